// Which compromised cards Card Precision@k finds and which it misses, tallied by a caller-given kind of fraud (e.g. the simulator's scenario).
import { cardPrecisionTopK, type ScoredColumns } from './card-precision.ts';

export interface KindedColumns extends ScoredColumns {
  /** The kind of each fraud row (read on fraud rows only): a card-day's kind is the highest among its fraud rows. */
  readonly kind: ArrayLike<number>;
}

export interface KindTally {
  readonly day: number;
  readonly kind: number;
  /** Compromised cards of this kind that day, less those found on earlier days. */
  readonly compromised: number;
  /** Of those, the ones among the day's k highest-scored cards. */
  readonly found: number;
}

/**
 * The day-by-day walk of cardPrecisionTopK (cards found on earlier days leave, a card's score is its highest that day,
 * ties at the k-th place go to the lower card id), with every compromised card-day counted by kind as found (in the
 * top k) or missed. Summed over kinds, `found` per day is cardPrecisionTopK's precision times k.
 */
export function cardPrecisionByKind(rows: KindedColumns, k = 100): KindTally[] {
  cardPrecisionTopK(rows, k); // the same input checks (k, finite scores)
  const byDay = new Map<number, number[]>();
  for (let i = 0; i < rows.score.length; i++) {
    const d = rows.day[i]!;
    let list = byDay.get(d);
    if (!list) byDay.set(d, (list = []));
    list.push(i);
  }
  const found = new Set<number>();
  const out: KindTally[] = [];
  for (const day of [...byDay.keys()].sort((a, b) => a - b)) {
    const cards = new Map<number, { card: number; score: number; kind: number | null }>();
    for (const i of byDay.get(day)!) {
      const id = rows.card[i]!;
      if (found.has(id)) continue;
      const kind = rows.label[i] === 1 ? rows.kind[i]! : null;
      const c = cards.get(id);
      if (!c) cards.set(id, { card: id, score: rows.score[i]!, kind });
      else {
        c.score = Math.max(c.score, rows.score[i]!);
        if (kind !== null) c.kind = c.kind === null ? kind : Math.max(c.kind, kind);
      }
    }
    const ranked = [...cards.values()].sort((a, b) => b.score - a.score || a.card - b.card);
    const tally = new Map<number, { compromised: number; found: number }>();
    ranked.forEach((c, rank) => {
      if (c.kind === null) return;
      let t = tally.get(c.kind);
      if (!t) tally.set(c.kind, (t = { compromised: 0, found: 0 }));
      t.compromised++;
      if (rank < k) {
        t.found++;
        found.add(c.card);
      }
    });
    for (const [kind, t] of [...tally].sort((a, b) => a[0] - b[0])) out.push({ day, kind, ...t });
  }
  return out;
}
