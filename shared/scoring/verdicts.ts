// Builds one batch's verdicts: the model's where its answer is sane, the fallback elsewhere, each checked against the verdict schema.
import type { Logger } from '../logger.ts';
import type { ModelEndpoint } from '../model/port.ts';
import { FraudflowError } from '../errors.ts';
import { issueLines } from '../schema/issues.ts';
import { Verdict } from '../schema/verdict.ts';
import { plainlyValid, validTime } from './verdict-encode.ts';

export interface Scored {
  readonly transaction_id: string;
  readonly customer_id?: string;
}

export interface VerdictRules {
  /** A probability at or above threshold x reviewRatio (but below the threshold) is sent for review. */
  readonly reviewRatio: number;
  /** The verdict when the model cannot answer, so that no transaction goes without one. */
  readonly fallbackVerdict: Verdict['verdict'];
  readonly reasons: number;
  /** Explain every verdict, not only fraud and review. */
  readonly explainAll?: boolean;
}

export function fallbackVerdict(t: Scored, rules: VerdictRules, at: string): Verdict {
  return {
    transaction_id: t.transaction_id,
    ...(t.customer_id ? { customer_id: t.customer_id } : {}),
    probability: 0,
    verdict: rules.fallbackVerdict,
    threshold: 1,
    model_version: 'fallback',
    reasons: [],
    scored_at: at,
    fallback: true,
  };
}

/** Indexes of the rows whose every feature is finite: only those go to the model. */
export function finiteRows(rows: Float32Array, width: number, count: number): number[] {
  const good: number[] = [];
  for (let i = 0; i < count; i++) {
    let ok = true;
    for (let j = i * width, end = j + width; j < end; j++) if (!Number.isFinite(rows[j]!)) ok = false;
    if (ok) good.push(i);
  }
  return good;
}

/** The rows at `indexes`, packed (the same array when that is all of them). */
export function pickRows(rows: Float32Array, width: number, indexes: readonly number[], count: number): Float32Array {
  if (indexes.length === count) return rows;
  const out = new Float32Array(indexes.length * width);
  indexes.forEach((row, k) => out.set(rows.subarray(row * width, (row + 1) * width), k * width));
  return out;
}

const saneProbability = (p: number | undefined): p is number => p !== undefined && p >= 0 && p <= 1; // NaN fails too

/** The model's verdicts for finite rows; a score that is not a probability, or a failing endpoint, gives the fallback. */
// eslint-disable-next-line max-lines-per-function -- the model call and the fallback for each failure kind, side by side
export async function modelVerdicts(
  txs: readonly Scored[],
  rows: Float32Array,
  width: number,
  model: ModelEndpoint,
  rules: VerdictRules,
  at: string,
  logger: Logger,
): Promise<Verdict[]> {
  try {
    const p = await model.predict(rows, width);
    const threshold = p.manifest.threshold;
    const sane = txs.map((_, i) => saneProbability(p.scores[i]));
    const insane = sane.filter((s) => !s).length;
    if (insane) logger.warn('score: the model gave a score that is not a probability; fallback verdict', { insane });
    const decided = txs.map((_, i) => {
      const probability = p.scores[i]!;
      if (probability >= threshold) return 'fraud' as const;
      return probability >= threshold * rules.reviewRatio ? ('review' as const) : ('legit' as const);
    });
    // Reasons cost a prediction per feature: give them where a person will look (fraud and review), or to every HTTP answer.
    const explainAt = decided
      .map((d, i) => (sane[i] && (rules.explainAll || d !== 'legit') ? i : -1))
      .filter((i) => i >= 0);
    const reasons = new Map<number, Verdict['reasons']>();
    if (rules.reasons > 0 && explainAt.length) {
      const sub = pickRows(rows, width, explainAt, txs.length);
      (await model.explain(sub, width, rules.reasons)).forEach((r, k) =>
        reasons.set(
          explainAt[k]!,
          r.filter((c) => Number.isFinite(c.contribution)),
        ),
      );
    }
    return txs.map((t, i) =>
      sane[i]
        ? {
            transaction_id: t.transaction_id,
            ...(t.customer_id ? { customer_id: t.customer_id } : {}),
            probability: p.scores[i]!,
            verdict: decided[i]!,
            threshold,
            model_version: p.manifest.version,
            reasons: reasons.get(i) ?? [],
            scored_at: at,
          }
        : fallbackVerdict(t, rules, at),
    );
  } catch (e) {
    logger.error('score: the model endpoint failed; applying the fallback verdict', { error: e, count: txs.length });
    return txs.map((t) => fallbackVerdict(t, rules, at));
  }
}

/** The verdict when it passes the verdict schema, else the fallback (which must): nothing unpublishable leaves here. */
export function publishable(v: Verdict, t: Scored, rules: VerdictRules, at: string, logger: Logger): Verdict {
  // The plain verdicts scoring builds are proved valid field by field (no zod per verdict); anything else asks zod.
  if (plainlyValid(v, at) && validTime(at)) return v;
  const checked = Verdict.safeParse(v);
  if (checked.success) return v;
  const issues = issueLines(checked.error);
  logger.error('score: a verdict failed the verdict schema; publishing the fallback', {
    transaction_id: t.transaction_id,
    issues,
  });
  const fallback = fallbackVerdict(t, rules, at);
  const again = Verdict.safeParse(fallback);
  if (again.success) return fallback;
  throw new FraudflowError('INTERNAL', `no valid verdict for transaction ${t.transaction_id}`, {
    issues: issueLines(again.error),
  });
}
