// Verdict quality per day: alert volume, precision and recall against the labels known now, Card Precision@k.
import { cardPrecisionAtK } from '../../shared/metrics/card-precision.ts';
import { queryAll, type Warehouse } from '../../shared/warehouse/port.ts';
import {
  confusionColumns,
  LABELS_JOIN,
  transactionDay,
  truthOf,
  VERDICT_TRANSACTIONS,
} from '../../shared/warehouse/verdict-sql.ts';

export interface DayQuality {
  day: string;
  verdicts: number;
  alerts: number;
  reviews: number;
  tp: number;
  fp: number;
  fn: number;
  precision: number | null;
  recall: number | null;
  /** Of the k cards scored highest that day, the share that were compromised (labels known now). */
  card_precision_at_k: number | null;
  /** Flagged (fraud or review) verdicts, and how many of them an analyst has labelled in the review queue. */
  flagged: number;
  reviewed: number;
  review_share: number | null;
}

const num = (v: unknown) => Number(v ?? 0);

export async function qualityByDay(w: Warehouse, k: number): Promise<DayQuality[]> {
  const d = w.dialect;
  const day = transactionDay(d);
  const truth = truthOf(d);
  const counts = await queryAll(
    w,
    `SELECT ${day} AS day, ${confusionColumns(truth)},
      CAST(sum(CASE WHEN v.verdict <> 'legit' THEN 1 ELSE 0 END) AS INTEGER) AS flagged,
      CAST(sum(CASE WHEN v.verdict <> 'legit' AND r.transaction_id IS NOT NULL THEN 1 ELSE 0 END) AS INTEGER) AS reviewed
    ${VERDICT_TRANSACTIONS} ${LABELS_JOIN(d)}
    LEFT JOIN (SELECT transaction_id FROM labels WHERE source = 'review' GROUP BY 1) r
      ON r.transaction_id = v.transaction_id
    GROUP BY 1 ORDER BY 1`,
  );
  // Card Precision@k needs every scored card of the day: one pass over the verdicts, cards as the scorer saw them.
  const scored = await queryAll(
    w,
    `SELECT ${day} AS day, coalesce(v.customer_id, t.customer_id, v.transaction_id) AS card, v.probability AS score,
      CAST(coalesce(${truth}, 0) AS INTEGER) AS label
    ${VERDICT_TRANSACTIONS} ${LABELS_JOIN(d)} WHERE NOT coalesce(v.fallback, false)`,
  );
  const cp = new Map(
    cardPrecisionAtK(
      scored.map((r) => ({ day: String(r.day), card: String(r.card), score: num(r.score), label: num(r.label) })),
      k,
    ).perDay.map((p) => [p.day, p.precision]),
  );
  return counts.map((q) => {
    const tp = num(q.tp);
    const fp = num(q.fp);
    const fn = num(q.fn);
    const flagged = num(q.flagged);
    const reviewed = num(q.reviewed);
    return {
      day: String(q.day),
      verdicts: num(q.verdicts),
      alerts: num(q.alerts),
      reviews: num(q.reviews),
      tp,
      fp,
      fn,
      precision: tp + fp ? tp / (tp + fp) : null,
      recall: tp + fn ? tp / (tp + fn) : null,
      card_precision_at_k: cp.get(String(q.day)) ?? null,
      flagged,
      reviewed,
      review_share: flagged ? reviewed / flagged : null,
    };
  });
}
