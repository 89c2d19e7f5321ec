// Headers as people have them: case, synonyms and a user's map pick the format; unknown headers say what is missing.
import { describe, expect, it } from 'vitest';
import { FraudflowError } from '../../shared/errors.ts';
import { detectFormat } from '../../shared/schema/formats.ts';
import { parseColumnMap } from '../../shared/schema/header.ts';

const HANDBOOK =
  'TRANSACTION_ID,TX_DATETIME,CUSTOMER_ID,TERMINAL_ID,TX_AMOUNT,TX_TIME_SECONDS,TX_TIME_DAYS,TX_FRAUD,TX_FRAUD_SCENARIO';
const KAGGLE = ['Time', ...Array.from({ length: 28 }, (_, i) => `V${i + 1}`), 'Amount', 'Class'];
const columnsOf = (d: ReturnType<typeof detectFormat>, header: string[]) =>
  Object.fromEntries(d.format.columns.map((c, k) => [c.name, d.indexOf[k]! >= 0 ? header[d.indexOf[k]!] : null]));

const failure = (f: () => unknown): FraudflowError => {
  try {
    f();
  } catch (e) {
    if (e instanceof FraudflowError) return e;
    throw e;
  }
  throw new Error('expected a FraudflowError');
};

describe('header matching', () => {
  it("reads the Fraud Detection Handbook's upper-case header as the raw format, its derived columns ignored", () => {
    const header = HANDBOOK.split(',');
    const d = detectFormat(header, 'handbook.csv');
    expect(d.format.ref.name).toBe('raw');
    expect(columnsOf(d, header)).toEqual({
      transaction_id: 'TRANSACTION_ID',
      tx_datetime: 'TX_DATETIME',
      customer_id: 'CUSTOMER_ID',
      terminal_id: 'TERMINAL_ID',
      amount: 'TX_AMOUNT',
      label: 'TX_FRAUD',
      fraud_scenario: 'TX_FRAUD_SCENARIO',
    });
    expect(d.width).toBe(9);
  });

  it.each([
    [['transaction_id', 'timestamp', 'customer_id', 'terminal_id', 'amount', 'is_fraud'], 'is_fraud'],
    [['Transaction_ID', 'DateTime', 'Customer', 'Merchant_ID', 'AMT', 'Class'], 'Class'],
    [['tx_id', 'event time', 'card_id', 'terminal', 'transaction-amount', 'fraud_flag', 'country'], 'fraud_flag'],
  ])('knows the common synonyms of the raw columns: %j', (header, label) => {
    const d = detectFormat(header, 'x.csv');
    expect(d.format.ref.name).toBe('raw');
    expect(columnsOf(d, header).label).toBe(label);
  });

  it('keeps the Kaggle format for the Kaggle header, in any case', () => {
    expect(detectFormat(KAGGLE, 'k.csv').format.ref.name).toBe('kaggle');
    expect(
      detectFormat(
        KAGGLE.map((h) => h.toUpperCase()),
        'k.csv',
      ).format.ref.name,
    ).toBe('kaggle');
  });

  it("maps any other names with the user's map, which wins over synonyms", () => {
    const header = ['ref', 'when', 'who', 'where', 'AMT', 'FRAUD_FLAG', 'Class'];
    const map = parseColumnMap('transaction_id=ref, tx_datetime=when,customer_id=who,terminal_id=where,label=Class');
    const d = detectFormat(header, 'x.csv', map);
    expect(columnsOf(d, header)).toMatchObject({ amount: 'AMT', label: 'Class' });
  });

  it('refuses a map naming a column no format has, or a header the file lacks', () => {
    const header = HANDBOOK.split(',');
    expect(failure(() => detectFormat(header, 'x.csv', { amont: 'TX_AMOUNT' })).message).toMatch(
      /amont is not a column of any format/,
    );
    expect(failure(() => detectFormat(header, 'x.csv', { amount: 'AMT' })).message).toMatch(/header has no AMT/);
  });

  it.each(['amount', 'amount=', '=AMT', 'amount=AMT,amount=X', 'a=b=c'])('refuses the malformed map %j', (text) => {
    expect(failure(() => parseColumnMap(text)).code).toBe('INPUT_INVALID');
  });

  it('names the closest format by the columns actually shared, and what it misses', () => {
    const e = failure(() => detectFormat(['TX_ID', 'CUSTOMER', 'TX_AMOUNT', 'colour'], 'odd.csv'));
    expect(e.code).toBe('FORMAT_UNKNOWN');
    expect(e.details.closest).toBe('raw');
    expect(e.details.missing).toEqual(['tx_datetime', 'terminal_id']);
    expect(e.message).toMatch(/not used: colour/);
  });

  it('refuses a header naming a column twice, whatever the case', () => {
    const e = failure(() => detectFormat([...HANDBOOK.split(','), 'tx_amount'], 'dup.csv'));
    expect(e.message).toMatch(/more than once/);
  });
});
