// The decoder's fast path for the Kaggle format gives exactly zod's verdicts, on valid and on broken values.
import { describe, expect, it } from 'vitest';
import { decodeFields } from '../../shared/csv/decode.ts';
import { detectFormat } from '../../shared/schema/formats.ts';
import { KaggleTransaction } from '../../shared/schema/kaggle.ts';
import { KAGGLE_HEADER } from '../../shared/synth/kaggle.ts';
import { Random } from '../../shared/synth/random.ts';

const detected = detectFormat(KAGGLE_HEADER, 'test.csv');
const nasty = [
  '-0',
  '0',
  '-1',
  '-0.000001',
  '1.5',
  '2',
  '1e3',
  '1E-3',
  '-1e-400',
  '.5',
  '5.',
  '+3',
  '1e999',
  'NaN',
  'x',
  '00.1',
  '0.1.2',
  '--1',
  '1_0',
  '0x10',
  ' 1',
  '1 ',
];

describe('fast decode agrees with zod', () => {
  it('on thousands of random rows mixing valid and invalid values', () => {
    const rnd = new Random(7);
    for (let n = 0; n < 3000; n++) {
      const fields = KAGGLE_HEADER.map((_, i) =>
        rnd.next() < 0.05 ? rnd.pick(nasty) : i === 30 ? rnd.pick(['0', '1']) : (rnd.normal() * 3).toFixed(4),
      );
      for (const wantRow of [true, false]) {
        const fast = decodeFields<KaggleTransaction>(detected, fields, wantRow);
        const numbers = Object.fromEntries(KAGGLE_HEADER.map((c, i) => [c, Number(fields[i])]));
        const grammarOk = fields.every(
          (f) => /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/.test(f) && Number.isFinite(Number(f)),
        );
        const zod = KaggleTransaction.safeParse(numbers);
        expect(fast.ok).toBe(grammarOk && zod.success);
        if (fast.ok) {
          expect(JSON.parse(fast.json)).toEqual(zod.data);
          if (wantRow) expect(fast.row).toEqual(zod.data);
        } else if (grammarOk && !zod.success) {
          const zodReasons = zod.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
          expect(fast.reasons.map((r) => r.split(':')[0])).toEqual(zodReasons.map((r) => r.split(':')[0]));
        }
      }
    }
  });

  it('words bound violations as zod does', () => {
    const fields = KAGGLE_HEADER.map((c) => (c === 'Amount' ? '-1' : c === 'Class' ? '3' : '0'));
    const fast = decodeFields(detected, fields);
    const zod = KaggleTransaction.safeParse(Object.fromEntries(KAGGLE_HEADER.map((c, i) => [c, Number(fields[i])])));
    expect(fast.ok).toBe(false);
    expect(zod.success).toBe(false);
    if (!fast.ok && !zod.success) {
      const amount = zod.error.issues.find((i) => i.path[0] === 'Amount')!;
      expect(fast.reasons).toContain(`Amount: ${amount.message}`);
    }
  });
});

describe('the one-regex fast path', () => {
  it('accepts only lines zod accepts, and writes the same JSON', async () => {
    const { fastRowOf } = await import('../../shared/csv/fast-row.ts');
    const fast = fastRowOf(detected)!;
    expect(fast).not.toBeNull();
    const rnd = new Random(11);
    let accepted = 0;
    for (let n = 0; n < 3000; n++) {
      const fields = KAGGLE_HEADER.map((_, i) =>
        rnd.next() < 0.03 ? rnd.pick(nasty) : i === 30 ? rnd.pick(['0', '1']) : (rnd.normal() * 3).toFixed(4),
      );
      const json = fast(fields.join(','));
      if (json === null) continue;
      accepted++;
      const zod = KaggleTransaction.safeParse(Object.fromEntries(KAGGLE_HEADER.map((c, i) => [c, Number(fields[i])])));
      expect(zod.success).toBe(true);
      expect(JSON.parse(json)).toEqual(zod.data);
      expect(json).toBe((decodeFields(detected, fields, false) as { json: string }).json);
    }
    expect(accepted).toBeGreaterThan(300);
  });

  it('is not used when the file orders columns differently from the schema', async () => {
    const { fastRowOf } = await import('../../shared/csv/fast-row.ts');
    const reordered = detectFormat([...KAGGLE_HEADER].reverse(), 'r.csv');
    expect(fastRowOf(reordered)).toBeNull();
  });
});
