// Card Precision@k as the Fraud Detection Handbook defines it: per day, the share of compromised cards among the k most suspicious, detected cards leaving later days.
import { FraudflowError } from '../errors.ts';

export interface ScoredTransaction {
  readonly day: string;
  readonly card: string;
  readonly score: number;
  readonly label: number;
}

/** Column form of scored transactions: row i is (day[i], card[i], score[i], label[i]); cards as integer ids. */
export interface ScoredColumns {
  readonly day: ArrayLike<number>;
  readonly card: ArrayLike<number>;
  readonly score: ArrayLike<number>;
  readonly label: ArrayLike<number>;
}

export interface CardPrecision {
  readonly mean: number;
  readonly perDay: Array<{ day: number; precision: number; compromisedCards: number }>;
}

/**
 * The Handbook's `card_precision_top_k` (Chapter_References/shared_functions, "Precision top-k metrics" in chapter 4):
 * days in increasing order; each day, the cards detected on earlier days are removed; each remaining card's score is
 * the highest of its transactions that day and it is compromised when any of them is a fraud; the k highest-scored
 * cards are taken, precision = compromised among them / k (k even on a day with fewer than k cards: an investigator's
 * k slots, some left idle), and the compromised cards among them count as detected from then on. The mean is over the
 * days that have rows; NaN without rows. Ties at the k-th place go to the lower card id, so the answer does not depend
 * on input order.
 */
export function cardPrecisionTopK(rows: ScoredColumns, k = 100): CardPrecision {
  if (!Number.isInteger(k) || k < 1)
    throw new FraudflowError('INPUT_INVALID', `card precision: k must be a positive integer, got ${k}`);
  const byDay = new Map<number, number[]>();
  for (let i = 0; i < rows.score.length; i++) {
    if (!Number.isFinite(rows.score[i]))
      throw new FraudflowError(
        'INPUT_INVALID',
        `card precision: score of card ${rows.card[i]} on day ${rows.day[i]} is ${rows.score[i]}`,
      );
    const d = rows.day[i]!;
    let list = byDay.get(d);
    if (!list) byDay.set(d, (list = []));
    list.push(i);
  }
  const detected = new Set<number>();
  const perDay: CardPrecision['perDay'] = [];
  for (const day of [...byDay.keys()].sort((a, b) => a - b)) {
    const cards = new Map<number, { card: number; score: number; fraud: boolean }>();
    for (const i of byDay.get(day)!) {
      const id = rows.card[i]!;
      if (detected.has(id)) continue;
      const c = cards.get(id);
      if (!c) cards.set(id, { card: id, score: rows.score[i]!, fraud: rows.label[i] === 1 });
      else {
        c.score = Math.max(c.score, rows.score[i]!);
        c.fraud ||= rows.label[i] === 1;
      }
    }
    const all = [...cards.values()];
    const top = all.sort((a, b) => b.score - a.score || a.card - b.card).slice(0, k);
    const hits = top.filter((c) => c.fraud);
    hits.forEach((c) => detected.add(c.card));
    perDay.push({ day, precision: hits.length / k, compromisedCards: all.filter((c) => c.fraud).length });
  }
  const mean = perDay.length ? perDay.reduce((s, d) => s + d.precision, 0) / perDay.length : Number.NaN;
  return { mean, perDay };
}

/** The same over transactions with day and card names; days in text order, ties by card name. */
export function cardPrecisionAtK(
  rows: readonly ScoredTransaction[],
  k = 100,
): { mean: number; perDay: Array<{ day: string; precision: number }> } {
  const dayNames = [...new Set(rows.map((r) => r.day))].sort();
  const cardNames = [...new Set(rows.map((r) => r.card))].sort();
  const dayId = new Map(dayNames.map((d, i) => [d, i]));
  const cardId = new Map(cardNames.map((c, i) => [c, i]));
  const r = cardPrecisionTopK(
    {
      day: rows.map((x) => dayId.get(x.day)!),
      card: rows.map((x) => cardId.get(x.card)!),
      score: rows.map((x) => x.score),
      label: rows.map((x) => x.label),
    },
    k,
  );
  return { mean: r.mean, perDay: r.perDay.map((d) => ({ day: dayNames[d.day]!, precision: d.precision })) };
}
