// The TypeScript evaluator: a transaction's rule fields, which rules fire on them, and the verdict they lead to.
import type { RawTx } from '../../features/raw/compute.ts';
import { RAW_FEATURES } from '../../features/raw/spec.ts';
import { txEpochMs } from '../../schema/raw.ts';
import { PCA_COLUMNS } from '../../schema/kaggle.ts';
import type { KaggleScoreRequest } from '../request.ts';
import type { Condition, RuleAction } from './schema.ts';
import type { RuleSet } from './ruleset.ts';

/** Field name -> value; an absent field (a Kaggle request without a customer) makes every comparison on it false. */
export type RuleValues = Readonly<Record<string, number | string | undefined>>;

/** A raw transaction's fields and its features as computed (doubles, before the model's float32 rows). */
export function rawRuleValues(tx: RawTx, features: readonly number[]): RuleValues {
  const date = new Date(txEpochMs(tx.tx_datetime));
  const out: Record<string, number | string> = {
    amount: tx.amount,
    customer_id: tx.customer_id,
    terminal_id: tx.terminal_id,
    tx_hour: date.getUTCHours(),
    tx_weekday: date.getUTCDay(),
  };
  RAW_FEATURES.names.forEach((n, i) => (out[n] = features[i]!));
  return out;
}

export function kaggleRuleValues(t: KaggleScoreRequest): RuleValues {
  const out: Record<string, number | string | undefined> = {
    Time: t.Time,
    Amount: t.Amount,
    customer_id: t.customer_id,
  };
  for (const c of PCA_COLUMNS) out[c] = (t as unknown as Record<string, number>)[c];
  return out;
}

function compare(v: number | string | undefined, op: string, x: number | string): boolean {
  if (v === undefined || typeof v !== typeof x) return false;
  switch (op) {
    case '>':
      return v > x;
    case '>=':
      return v >= x;
    case '<':
      return v < x;
    case '<=':
      return v <= x;
    case '==':
      return v === x;
    default:
      return v !== x;
  }
}

/** Two-valued: a comparison on an absent field is false (the SQL compiler coalesces each comparison to FALSE alike). */
export function matches(c: Condition, values: RuleValues): boolean {
  if ('all' in c) return c.all.every((x) => matches(x, values));
  if ('any' in c) return c.any.some((x) => matches(x, values));
  if ('not' in c) return !matches(c.not, values);
  const v = values[c.field];
  if (c.op === 'in') return c.value.some((x) => compare(v, '==', x));
  return compare(v, c.op, c.value);
}

export interface FiredRule {
  readonly name: string;
  readonly action: RuleAction;
}

export function firedRules(set: RuleSet, values: RuleValues): FiredRule[] {
  return set.rules.filter((r) => matches(r.when, values)).map((r) => ({ name: r.name, action: r.action }));
}
