// The bounds the fast decoder checks are the schema's own: built from one declaration, they give zod's verdict and
// words (where they are meant to) on values at, just inside and just outside every bound; a number changed after its declaration has none.
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { checkBounds, exactObjectCheck } from '../../shared/schema/bounds.ts';
import { columnsOf } from '../../shared/schema/columns.ts';
import { DeadLetter } from '../../shared/schema/dead-letter.ts';
import { KaggleTransaction } from '../../shared/schema/kaggle.ts';
import { boundedNumber, atLeast, atMost, type NumberBounds } from '../../shared/schema/numbers.ts';
import { RawTransaction } from '../../shared/schema/raw.ts';

const SCHEMAS = { kaggle: KaggleTransaction, raw: RawTransaction, deadLetter: DeadLetter } as const;

/** Values around each bound and the usual troublemakers. */
function probes(b: NumberBounds): number[] {
  const ulp = (v: number) => Math.max(Number.MIN_VALUE, Math.abs(v) * Number.EPSILON);
  const near = (v: number) => [v, v - 1, v + 1, v - 1e-9, v + 1e-9, v - 0.5, v + 0.5, v - ulp(v), v + ulp(v)];
  return [
    0,
    -0,
    1,
    -1,
    0.5,
    2,
    1e300,
    -1e300,
    Number.MAX_SAFE_INTEGER + 2,
    ...(b.min ? near(b.min.value) : []),
    ...(b.max ? near(b.max.value) : []),
    ...(b.values ?? []).flatMap(near),
  ];
}

/**
 * Where the words differ on purpose: outside a literal set ours names the values (zod says only "Invalid input"), and
 * an integer past 2^53 is "expected int" (zod: too big for its safe range). The verdicts agree there too.
 */
const wordedAlike = (b: NumberBounds, v: number) => !b.values && !(b.integer && Math.abs(v) > Number.MAX_SAFE_INTEGER);

describe('declared bounds and zod schemas agree', () => {
  for (const [format, schema] of Object.entries(SCHEMAS)) {
    it(`gives zod's verdict and first message on every bounded number of ${format}`, () => {
      const bounded = columnsOf(schema).filter((c) => c.bounds !== undefined);
      expect(bounded.length).toBeGreaterThan(0);
      for (const c of bounded) {
        const field = (schema.shape as Record<string, z.ZodType>)[c.name]!;
        for (const v of probes(c.bounds!)) {
          const zod = field.safeParse(v);
          const ours = checkBounds(v, c.bounds!);
          expect({ column: c.name, v, ok: ours === undefined }).toEqual({ column: c.name, v, ok: zod.success });
          if (zod.success || !wordedAlike(c.bounds!, v)) continue;
          expect(ours).toBe(zod.error.issues[0]!.message);
        }
      }
    });
  }

  it('declares every numeric column of the Kaggle and raw formats, so their rows are checked without zod', () => {
    for (const schema of [KaggleTransaction, RawTransaction]) {
      const numeric = columnsOf(schema).filter((c) => c.kind === 'number' || c.kind === 'integer');
      expect(numeric.filter((c) => c.bounds === undefined).map((c) => c.name)).toEqual([]);
    }
    expect(exactObjectCheck(KaggleTransaction)).not.toBeNull();
  });

  it('reads no bounds from a number refined or bounded again after its declaration: zod decides those', () => {
    const declared = boundedNumber({ integer: false, min: atLeast(0), max: atMost(10) });
    const changed = z.object({ a: declared.refine((n) => n !== 5), b: declared.max(3) }).strict();
    expect(columnsOf(changed).map((c) => c.bounds)).toEqual([undefined, undefined]);
    expect(exactObjectCheck(changed)).toBeNull();
    expect(exactObjectCheck(z.object({ a: declared }).strict())).not.toBeNull();
  });
});
