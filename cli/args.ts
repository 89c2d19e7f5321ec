// Option parsers for the CLI: one explicit grammar per kind of value, failing as commander usage errors (exit 2).
import { InvalidArgumentError } from 'commander';

/** A positive integer written in decimal digits only: "0x4", " 4 ", "4e0" and "4.0" are refused. */
export function positiveInt(text: string): number {
  const n = /^[1-9]\d{0,14}$/.test(text) ? Number(text) : NaN;
  if (!Number.isSafeInteger(n)) throw new InvalidArgumentError(`expected a positive integer, got "${text}"`);
  return n;
}

/** A non-negative integer in decimal digits only (a seed, an offset). */
export function nonNegativeInt(text: string): number {
  const n = /^(0|[1-9]\d{0,14})$/.test(text) ? Number(text) : NaN;
  if (!Number.isSafeInteger(n)) throw new InvalidArgumentError(`expected a non-negative integer, got "${text}"`);
  return n;
}
