// Numeric bounds as numbers.ts declared them, checked with zod's own verdicts and words, without running zod per value.
import type { z } from 'zod';
import { columnsOf, type Column, type NumberBounds } from './columns.ts';

export function isUnbounded(b: NumberBounds): boolean {
  return !b.integer && !b.min && !b.max && !b.values;
}

/** The same verdicts and the same words as zod 4's number checks. */
export function checkBounds(n: number, b: NumberBounds): string | undefined {
  if (b.values) return b.values.includes(n) ? undefined : `Invalid input: expected one of ${b.values.join('|')}`;
  if (b.integer && !Number.isSafeInteger(n)) return 'Invalid input: expected int, received number';
  if (b.min && (b.min.inclusive ? n < b.min.value : n <= b.min.value))
    return `Too small: expected number to be ${b.min.inclusive ? '>=' : '>'}${b.min.value}`;
  if (b.max && (b.max.inclusive ? n > b.max.value : n >= b.max.value))
    return `Too big: expected number to be ${b.max.inclusive ? '<=' : '<'}${b.max.value}`;
  return undefined;
}

export type ObjectCheck = (value: Record<string, unknown>) => string[] | null;

/**
 * For a strict object schema whose every field is a number with readable bounds (the Kaggle row): a checker
 * giving the same accept/reject verdict as zod (test/unit/decode-matches-zod.test.ts); null for other schemas.
 */
export function exactObjectCheck(schema: z.ZodObject): ObjectCheck | null {
  const columns: Column[] = columnsOf(schema);
  if (!columns.every((c) => c.bounds !== undefined)) return null;
  const known = new Set(columns.map((c) => c.name));
  return (value) => {
    let reasons: string[] | null = null;
    for (const c of columns) {
      const v = value[c.name];
      if (v === undefined) {
        if (!c.optional) (reasons ??= []).push(`${c.name}: Invalid input: expected number, received undefined`);
        continue;
      }
      if (typeof v !== 'number' || !Number.isFinite(v)) {
        (reasons ??= []).push(`${c.name}: Invalid input: expected number, received ${typeof v}`);
        continue;
      }
      const problem = checkBounds(v, c.bounds!);
      if (problem) (reasons ??= []).push(`${c.name}: ${problem}`);
    }
    for (const k in value) if (!known.has(k)) (reasons ??= []).push(`Unrecognized key: "${k}"`);
    return reasons;
  };
}
