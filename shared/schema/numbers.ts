// Numeric fields declared once by their bounds: the zod schema is built from the declaration and the declaration is
// kept beside it, so the fast decoder checks the same bounds without reading zod's internals.
import { z } from 'zod';

export interface NumberBounds {
  readonly min?: { value: number; inclusive: boolean };
  readonly max?: { value: number; inclusive: boolean };
  readonly integer: boolean;
  /** When the schema is a set of literals: the allowed values. */
  readonly values?: readonly number[];
}

export const atLeast = (value: number) => ({ value, inclusive: true });
export const above = (value: number) => ({ value, inclusive: false });
export const atMost = (value: number) => ({ value, inclusive: true });

// Keyed by the very schema built here: a schema derived from it (a refine, another bound) is not found, so a reader
// falls back to zod rather than check bounds that are no longer the whole story.
const declared = new WeakMap<z.ZodType, NumberBounds>();

/** z.number() with the declared bounds, in zod's order of checks (integer, min, max), and an optional description. */
export function boundedNumber(bounds: Omit<NumberBounds, 'values'>, description?: string): z.ZodNumber {
  let s = bounds.integer ? z.number().int() : z.number();
  if (bounds.min) s = bounds.min.inclusive ? s.gte(bounds.min.value) : s.gt(bounds.min.value);
  if (bounds.max) s = bounds.max.inclusive ? s.lte(bounds.max.value) : s.lt(bounds.max.value);
  if (description !== undefined) s = s.describe(description);
  declared.set(s, { ...bounds });
  return s;
}

/** One of a few numbers (a label, a code): a union of literals. */
export function numberLiterals<const T extends readonly [number, number, ...number[]]>(
  values: T,
): z.ZodUnion<{ [K in keyof T]: z.ZodLiteral<T[K]> }> {
  const s = z.union(values.map((v) => z.literal(v)) as unknown as { [K in keyof T]: z.ZodLiteral<T[K]> });
  declared.set(s, { integer: values.every(Number.isInteger), values: [...values] });
  return s;
}

/** The bounds a schema was built from here, or undefined when it was not (or was changed since). */
export function declaredBounds(schema: z.ZodType): NumberBounds | undefined {
  return declared.get(schema);
}
