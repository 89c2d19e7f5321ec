// Card Precision@k per day (Fraud Detection Handbook): of the k cards scored most suspicious each day, the share that were fraudulent.

export interface ScoredTransaction { readonly day: string; readonly card: string; readonly score: number; readonly label: number }

export function cardPrecisionAtK(rows: readonly ScoredTransaction[], k = 100): { mean: number; perDay: Array<{ day: string; precision: number }> } {
  const days = new Map<string, Map<string, { score: number; fraud: boolean }>>();
  for (const r of rows) {
    let cards = days.get(r.day);
    if (!cards) days.set(r.day, (cards = new Map()));
    const c = cards.get(r.card);
    // A card's score for the day is its highest; it is fraudulent if any of its transactions was.
    if (!c) cards.set(r.card, { score: r.score, fraud: r.label === 1 });
    else {
      c.score = Math.max(c.score, r.score);
      c.fraud ||= r.label === 1;
    }
  }
  const perDay = [...days.entries()].sort((a, b) => a[0].localeCompare(b[0])).map(([day, cards]) => {
    const top = [...cards.values()].sort((a, b) => b.score - a.score).slice(0, k);
    return { day, precision: top.filter((c) => c.fraud).length / k };
  });
  const mean = perDay.length ? perDay.reduce((s, d) => s + d.precision, 0) / perDay.length : Number.NaN;
  return { mean, perDay };
}
