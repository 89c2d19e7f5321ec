// Card Precision@k per day (Fraud Detection Handbook): of the k cards scored most suspicious each day, the share that were fraudulent.
import { FraudflowError } from '../errors.ts';

export interface ScoredTransaction {
  readonly day: string;
  readonly card: string;
  readonly score: number;
  readonly label: number;
}

/**
 * Per day, each card's score is the highest of its transactions that day and it counts as fraudulent when any of
 * them was; the k highest-scored cards are taken and precision = fraudulent among them / k. As in the handbook,
 * the denominator is k even on a day with fewer than k cards (an investigator's k slots, some left idle).
 * Ties at the k-th place are broken by card id, so the answer does not depend on input order.
 * The mean is over days; NaN when there are no rows.
 */
export function cardPrecisionAtK(
  rows: readonly ScoredTransaction[],
  k = 100,
): { mean: number; perDay: Array<{ day: string; precision: number }> } {
  if (!Number.isInteger(k) || k < 1)
    throw new FraudflowError('INPUT_INVALID', `card precision: k must be a positive integer, got ${k}`);
  const days = new Map<string, Map<string, { card: string; score: number; fraud: boolean }>>();
  for (const r of rows) {
    if (!Number.isFinite(r.score))
      throw new FraudflowError('INPUT_INVALID', `card precision: score of card ${r.card} on ${r.day} is ${r.score}`);
    let cards = days.get(r.day);
    if (!cards) days.set(r.day, (cards = new Map()));
    const c = cards.get(r.card);
    if (!c) cards.set(r.card, { card: r.card, score: r.score, fraud: r.label === 1 });
    else {
      c.score = Math.max(c.score, r.score);
      c.fraud ||= r.label === 1;
    }
  }
  const perDay = [...days.entries()]
    .sort((a, b) => a[0].localeCompare(b[0]))
    .map(([day, cards]) => {
      const top = [...cards.values()]
        .sort((a, b) => b.score - a.score || (a.card < b.card ? -1 : a.card > b.card ? 1 : 0))
        .slice(0, k);
      return { day, precision: top.filter((c) => c.fraud).length / k };
    });
  const mean = perDay.length ? perDay.reduce((s, d) => s + d.precision, 0) / perDay.length : Number.NaN;
  return { mean, perDay };
}
