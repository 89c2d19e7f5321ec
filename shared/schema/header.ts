// CSV headers as people have them: any case, the common synonyms of each column, and a map the user gives.
import { FraudflowError } from '../errors.ts';

/**
 * Other names a column goes by in real extracts (compared case-insensitively, ignoring spaces and dashes).
 * The Fraud Detection Handbook writes TRANSACTION_ID, TX_DATETIME, CUSTOMER_ID, TERMINAL_ID, TX_AMOUNT, TX_FRAUD,
 * TX_FRAUD_SCENARIO; its TX_TIME_SECONDS and TX_TIME_DAYS are derived from TX_DATETIME and are ignored.
 */
export const SYNONYMS: Readonly<Record<string, readonly string[]>> = {
  transaction_id: ['tx_id', 'trans_id', 'transactionid', 'trans_num'],
  tx_datetime: ['timestamp', 'datetime', 'transaction_time', 'trans_date_trans_time', 'event_time'],
  customer_id: ['customer', 'cust_id', 'card_id', 'card', 'account_id'],
  terminal_id: ['terminal', 'merchant_id', 'merchant', 'terminal_no'],
  amount: ['tx_amount', 'amt', 'transaction_amount', 'trans_amount'],
  label: ['tx_fraud', 'is_fraud', 'isfraud', 'fraud', 'class', 'fraud_flag'],
  fraud_scenario: ['tx_fraud_scenario', 'scenario'],
};

/** Canonical column name -> the header name that holds it, as given with --map or in the upload's metadata. */
export type ColumnMap = Readonly<Record<string, string>>;

const normal = (name: string) =>
  name
    .trim()
    .toLowerCase()
    .replace(/[\s-]+/g, '_');

/**
 * Parses `amount=AMT,label=FRAUD_FLAG`: comma-separated `column=header` pairs, each column once.
 * The names are checked against the formats when the header is matched, where the file is known.
 */
export function parseColumnMap(text: string): ColumnMap {
  const map: Record<string, string> = {};
  for (const pair of text.split(',')) {
    const m = /^\s*([A-Za-z][\w]*)\s*=\s*([^=,]+?)\s*$/.exec(pair);
    if (!m)
      throw new FraudflowError('INPUT_INVALID', `column map: expected column=HEADER pairs, got "${pair.trim()}"`, {
        map: text,
      });
    if (map[m[1]!] !== undefined)
      throw new FraudflowError('INPUT_INVALID', `column map: ${m[1]} is mapped twice`, { map: text });
    map[m[1]!] = m[2]!;
  }
  return map;
}

/**
 * For each of `columns`, the index of the header field that holds it (-1: not there). A user's map wins, then the
 * exact name in any case, then a synonym. A header field holds at most one column.
 */
export function matchColumns(header: readonly string[], columns: readonly string[], map: ColumnMap = {}): number[] {
  const names = header.map(normal);
  const taken = new Set<number>();
  const claim = (i: number) => (i < 0 || taken.has(i) ? -1 : (taken.add(i), i));
  const out = columns.map(() => -1);
  const passes: Array<(column: string) => number> = [
    (c) => (map[c] === undefined ? -1 : names.indexOf(normal(map[c]))),
    (c) => names.indexOf(normal(c)),
    (c) => {
      for (const s of SYNONYMS[c] ?? []) {
        const i = names.indexOf(s);
        if (i >= 0 && !taken.has(i)) return i;
      }
      return -1;
    },
  ];
  for (const pass of passes)
    columns.forEach((c, k) => {
      if (out[k] === -1) out[k] = claim(pass(c));
    });
  return out;
}

/** Header names that appear twice once case and spacing are ignored. */
export function duplicatedNames(header: readonly string[]): string[] {
  const names = header.map(normal);
  return [...new Set(header.filter((_, i) => names.indexOf(names[i]!) !== i).map((h) => h.trim()))];
}
