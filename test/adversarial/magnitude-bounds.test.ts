// Numeric fields are bounded to what the formats allow; the fast decoders agree with zod on every value, near the bounds too.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeFields } from '../../shared/csv/decode.ts';
import { fastRowOf } from '../../shared/csv/fast-row.ts';
import { detectFormat } from '../../shared/schema/formats.ts';
import { KaggleTransaction } from '../../shared/schema/kaggle.ts';
import { RawTransaction } from '../../shared/schema/raw.ts';
import { checkEnvelope } from '../../shared/schema/registry.ts';
import { MAX_AMOUNT, MAX_KAGGLE_TIME_SECONDS } from '../../shared/schema/limits.ts';
import { KAGGLE_HEADER } from '../../shared/synth/kaggle.ts';

const detected = detectFormat(KAGGLE_HEADER, 'bounds.csv');
const NUMBER = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;
const zodOf = (fields: readonly string[]) =>
  KaggleTransaction.safeParse(Object.fromEntries(KAGGLE_HEADER.map((c, i) => [c, Number(fields[i])])));
const row = (over: Record<string, string>) => KAGGLE_HEADER.map((c) => over[c] ?? (c === 'Class' ? '0' : '1.5'));

/** Values around every bound, the absurd ones of the issue, and text that is no number at all. */
const edgy = fc.oneof(
  fc.constantFrom(
    '1e308',
    '-1e308',
    '2e300',
    '1e999',
    'NaN',
    'Infinity',
    '-Infinity',
    '-0',
    '0',
    '1000',
    '-1000',
    '1000.0000001',
    '-1000.0000001',
    '999.9999999',
    String(MAX_KAGGLE_TIME_SECONDS),
    String(MAX_KAGGLE_TIME_SECONDS + 0.5),
    String(MAX_AMOUNT),
    String(MAX_AMOUNT + 0.01),
    '999999.99',
    '9999999',
    '-1',
    '1e3',
    '1E6',
    '0x10',
  ),
  fc.double({ noNaN: false }).map(String),
  fc.tuple(fc.double({ min: -2000, max: 2000, noNaN: true }), fc.nat(8)).map(([n, d]) => n.toFixed(d)),
  fc.integer({ min: -2_000_000, max: 40_000_000 }).map(String),
);

describe('Kaggle bounds', () => {
  it('refuse the absurd values of the issue, naming the column and the bound', () => {
    const cases: Array<[Record<string, string>, string[]]> = [
      [
        { V1: '1e308', V2: '-1e308' },
        ['V1: Too big: expected number to be <=1000', 'V2: Too small: expected number to be >=-1000'],
      ],
      [{ Time: '2e300' }, [`Time: Too big: expected number to be <=${MAX_KAGGLE_TIME_SECONDS}`]],
      [{ Amount: '1e7' }, [`Amount: Too big: expected number to be <=${MAX_AMOUNT}`]],
      [{ Amount: '-0.01' }, ['Amount: Too small: expected number to be >=0']],
      [{ V7: 'NaN' }, ['V7: expected a number, got "NaN"']],
      [{ V7: 'Infinity' }, ['V7: expected a number, got "Infinity"']],
    ];
    for (const [over, reasons] of cases) {
      const r = decodeFields(detected, row(over));
      expect(r).toEqual({ ok: false, reasons });
    }
  });

  it('accept -0 and values on the bounds themselves', () => {
    const ok = decodeFields<KaggleTransaction>(
      detected,
      row({ Time: String(MAX_KAGGLE_TIME_SECONDS), V1: '1000', V2: '-1000', V3: '-0', Amount: String(MAX_AMOUNT) }),
    );
    expect(ok.ok).toBe(true);
    if (ok.ok) expect(ok.row).toMatchObject({ V1: 1000, V2: -1000, Amount: MAX_AMOUNT });
  });

  it('the field decoder gives zod’s verdict on any value in any column', () => {
    fc.assert(
      fc.property(fc.nat(KAGGLE_HEADER.length - 2), edgy, (col, text) => {
        const fields = row({ [KAGGLE_HEADER[col]!]: text });
        const fast = decodeFields<KaggleTransaction>(detected, fields);
        const zod = zodOf(fields);
        const grammarOk = NUMBER.test(text) && Number.isFinite(Number(text));
        expect(fast.ok).toBe(grammarOk && zod.success);
        if (fast.ok) expect(JSON.parse(fast.json)).toEqual(zod.data);
        else if (grammarOk && !zod.success)
          expect(fast.reasons).toEqual(zod.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`));
      }),
      { numRuns: 4000 },
    );
  });

  it('the one-regex line path accepts only lines zod accepts, and still takes the common ones', () => {
    const fast = fastRowOf(detected)!;
    expect(fast).not.toBeNull();
    // Every column of a real row goes the fast way: the bounds did not switch the fast path off.
    expect(fast(row({ Time: '172792.0', Amount: '25691.16' }).join(','))).not.toBeNull();
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.nat(KAGGLE_HEADER.length - 2), edgy), { maxLength: 4 }), (edits) => {
        const fields = row(Object.fromEntries(edits.map(([c, t]) => [KAGGLE_HEADER[c]!, t])));
        const json = fast(fields.join(','));
        if (json === null) return;
        const zod = zodOf(fields);
        expect(zod.success).toBe(true);
        expect(JSON.parse(json)).toEqual(zod.data);
      }),
      { numRuns: 4000 },
    );
  });

  it('the envelope check of the stream and the sink refuses what the schema refuses', () => {
    const envelope = (payload: Record<string, unknown>) =>
      Buffer.from(
        JSON.stringify({
          id: 'a'.repeat(32),
          schema: { name: 'kaggle', version: 1 },
          source: { file: 'f.csv', line: 2 },
          ingested_at: '2026-11-25T00:00:00Z',
          payload,
        }),
      );
    const base = Object.fromEntries(KAGGLE_HEADER.slice(0, -1).map((c) => [c, 1]));
    expect(checkEnvelope(envelope(base)).ok).toBe(true);
    expect(checkEnvelope(envelope({ ...base, V1: 1e308 }))).toEqual({
      ok: false,
      reasons: ['payload.V1: Too big: expected number to be <=1000'],
    });
    expect(checkEnvelope(envelope({ ...base, Time: 2e300 })).ok).toBe(false);
  });
});

describe('raw bounds', () => {
  const tx = (amount: number) => ({
    transaction_id: 't1',
    tx_datetime: '2026-04-01T10:00:00Z',
    customer_id: 'c1',
    terminal_id: 'k1',
    amount,
  });
  it('bound the amount to [0, MAX_AMOUNT]', () => {
    expect(RawTransaction.safeParse(tx(MAX_AMOUNT)).success).toBe(true);
    expect(RawTransaction.safeParse(tx(-0)).success).toBe(true);
    for (const bad of [MAX_AMOUNT + 0.01, 1e308, -1e308, -1, Number.NaN, Infinity]) {
      const r = RawTransaction.safeParse(tx(bad));
      expect(r.success).toBe(false);
      expect(r.error!.issues[0]!.path).toEqual(['amount']);
    }
  });
});
