// The live model measured afterwards: its stream scores and verdicts against the labels that arrived late.
import { averagePrecision, rocAuc } from '../../shared/metrics/ranking.ts';
import { cardPrecisionAtK } from '../../shared/metrics/card-precision.ts';
import { queryAll, type Warehouse } from '../../shared/warehouse/port.ts';
import { LABELS_JOIN, transactionDay, truthOf, VERDICT_TRANSACTIONS } from '../../shared/warehouse/verdict-sql.ts';

export interface LiveFigures {
  readonly model_version: string;
  readonly verdicts: number;
  /** Verdicts whose transaction has no label yet: left out of every figure. */
  readonly unlabelled: number;
  readonly frauds: number;
  readonly tp: number;
  readonly fp: number;
  readonly fn: number;
  readonly precision: number | null;
  readonly recall: number | null;
  readonly auprc: number;
  readonly roc_auc: number;
  readonly card_precision_at_100: number;
}

interface Scored {
  day: string;
  card: string;
  score: number;
  label: number | null;
  fraud: boolean;
}

async function liveScores(w: Warehouse, version: string): Promise<Scored[]> {
  const d = w.dialect;
  const rows = await queryAll(
    w,
    `SELECT ${transactionDay(d)} AS day, coalesce(v.customer_id, t.customer_id) AS card, v.probability AS score,
      CAST(${truthOf(d)} AS INTEGER) AS label, v.verdict AS verdict
    ${VERDICT_TRANSACTIONS} ${LABELS_JOIN(d)}
    WHERE v.model_version = '${version.replace(/'/g, "''")}' AND NOT coalesce(v.fallback, false)`,
  );
  return rows.map((r) => ({
    day: String(r.day),
    card: String(r.card),
    score: Number(r.score),
    label: r.label === null || r.label === undefined ? null : Number(r.label),
    fraud: r.verdict === 'fraud',
  }));
}

/** AP, ROC AUC and the Handbook's CP@100 of the scores, precision and recall of the `fraud` verdicts. */
export async function liveFigures(w: Warehouse, version: string): Promise<LiveFigures> {
  const all = await liveScores(w, version);
  const known = all.filter((s) => s.label !== null);
  const scores = known.map((s) => s.score);
  const labels = known.map((s) => s.label!);
  const tp = known.filter((s) => s.fraud && s.label === 1).length;
  const fp = known.filter((s) => s.fraud && s.label === 0).length;
  const frauds = labels.filter((l) => l === 1).length;
  const cp = cardPrecisionAtK(
    known.map((s) => ({ day: s.day, card: s.card, score: s.score, label: s.label! })),
    100,
  );
  return {
    model_version: version,
    verdicts: all.length,
    unlabelled: all.length - known.length,
    frauds,
    tp,
    fp,
    fn: frauds - tp,
    precision: tp + fp ? tp / (tp + fp) : null,
    recall: frauds ? tp / frauds : null,
    auprc: averagePrecision(scores, labels),
    roc_auc: rocAuc(scores, labels),
    card_precision_at_100: cp.mean,
  };
}
