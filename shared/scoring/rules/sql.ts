// The SQL evaluator: a rule's condition compiled to a boolean expression of the warehouse's dialect. Field names come
// only from the whitelist (mapped to column expressions by the caller); values are literal-encoded from a strict grammar.
import { FraudflowError } from '../../errors.ts';
import type { Condition } from './schema.ts';

/** A finite number as a float literal both DuckDB (DOUBLE, not DECIMAL) and BigQuery (FLOAT64) read exactly. */
export function numberLiteral(n: number): string {
  if (!Number.isFinite(n)) throw new FraudflowError('INPUT_INVALID', `rules: ${n} is not a finite number`);
  // toExponential() gives the shortest digits that round-trip; a sign after "e" is written only when negative.
  return `(${n.toExponential().replace('e+', 'e')})`;
}

const ID = /^[A-Za-z0-9_.:-]{1,128}$/;

/** An id as a string literal: the id grammar holds no quote or backslash, so nothing needs escaping in either dialect. */
export function idLiteral(s: string): string {
  if (!ID.test(s)) throw new FraudflowError('INPUT_INVALID', 'rules: an id value is outside the id grammar');
  return `'${s}'`;
}

const literal = (v: number | string) => (typeof v === 'number' ? numberLiteral(v) : idLiteral(v));

/**
 * Two-valued like the TypeScript evaluator: each comparison is coalesced to FALSE, so a NULL field (a Kaggle row
 * without a customer) makes it false, and NOT of it true, exactly as `matches` does.
 */
export function conditionSql(c: Condition, column: (field: string) => string): string {
  if ('all' in c) return `(${c.all.map((x) => conditionSql(x, column)).join(' AND ')})`;
  if ('any' in c) return `(${c.any.map((x) => conditionSql(x, column)).join(' OR ')})`;
  if ('not' in c) return `(NOT ${conditionSql(c.not, column)})`;
  const col = column(c.field);
  if (c.op === 'in') return `COALESCE(${col} IN (${c.value.map(literal).join(', ')}), FALSE)`;
  const op = c.op === '==' ? '=' : c.op === '!=' ? '<>' : c.op;
  return `COALESCE(${col} ${op} ${literal(c.value)}, FALSE)`;
}
