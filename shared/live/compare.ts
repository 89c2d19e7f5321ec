// Two model versions on the same live traffic once its labels have matured: AP, ROC AUC and Card Precision@k from the
// warehouse's champion and shadow verdicts, with the frauds behind each figure and the alerts each threshold raised.
import { averagePrecision, rocAuc } from '../metrics/ranking.ts';
import { cardPrecisionAtK } from '../metrics/card-precision.ts';
import { queryAll, type Warehouse } from '../warehouse/port.ts';
import type { SqlDialect } from '../warehouse/dialect.ts';
import { latestLabelsOf, transactionDay } from '../warehouse/verdict-sql.ts';

export interface LiveWindow {
  /** Transactions from `from` (inclusive) to `to` (exclusive): `to` is the label delay before now. */
  readonly from: string;
  readonly to: string;
}

export interface LiveFigures {
  readonly version: string;
  /** Transactions both versions scored in the window, and those with a known label. */
  readonly transactions: number;
  readonly labelled: number;
  /** Frauds behind every figure (the same for both versions: one set of transactions). */
  readonly frauds: number;
  readonly ap: number | null;
  readonly roc_auc: number | null;
  readonly card_precision_at_k: number | null;
  readonly k: number;
  /** At the version's own threshold, over every transaction of the window (labelled or not). */
  readonly threshold: number;
  readonly alerts: number;
  readonly precision_at_threshold: number | null;
}

export interface LiveComparison {
  readonly window: LiveWindow;
  readonly a: LiveFigures;
  readonly b: LiveFigures;
  /** Scores of b on the window, highest first: what recalibrating its threshold to an alert volume reads. */
  readonly scoresB: Float32Array;
}

/** The window `days` long that ends `delayDays` before `now`, whose labels have had the delay to arrive. */
export function maturedWindow(now: Date, days: number, delayDays: number): LiveWindow {
  const to = now.getTime() - delayDays * 86_400_000;
  const iso = (ms: number) => new Date(ms).toISOString();
  return { from: iso(to - days * 86_400_000), to: iso(to) };
}

const literal = (v: string) => `'${v.replace(/'/g, "''")}'`;
const at = (iso: string) => `TIMESTAMP ${literal(iso.replace('T', ' ').replace(/\.\d+Z$|Z$/, ''))}`;

/** A version's scores: its champion verdicts (no fallbacks) and its shadow verdicts, one per transaction. */
function scoresOf(d: SqlDialect, version: string): string {
  const v = literal(version);
  return `(SELECT transaction_id, min(customer_id) AS customer_id, ${d.latest('probability', 'scored_at')} AS probability,
      ${d.latest('threshold', 'scored_at')} AS threshold, min(scored_at) AS scored_at FROM (
    SELECT transaction_id, customer_id, probability, threshold, scored_at FROM verdicts
      WHERE model_version = ${v} AND NOT coalesce(fallback, false)
    UNION ALL SELECT transaction_id, customer_id, probability, threshold, scored_at FROM shadow_verdicts
      WHERE model_version = ${v}) GROUP BY transaction_id)`;
}

export function pairedSql(d: SqlDialect, a: string, b: string, w: LiveWindow): string {
  const when = `coalesce(t.tx_datetime, x.scored_at)`;
  return `SELECT x.transaction_id AS tx, x.probability AS pa, y.probability AS pb, x.threshold AS ta,
      y.threshold AS tb, coalesce(x.customer_id, t.customer_id, x.transaction_id) AS card, ${transactionDay(d)} AS day,
      CAST(coalesce(l.label, t.${d.ident('Class')}, t.label) AS INTEGER) AS label
    FROM ${scoresOf(d, a)} x JOIN ${scoresOf(d, b)} y ON y.transaction_id = x.transaction_id
    JOIN transactions t ON coalesce(t.transaction_id, t.id) = x.transaction_id
    LEFT JOIN ${latestLabelsOf(d)} l ON l.transaction_id = x.transaction_id
    WHERE ${when} >= ${at(w.from)} AND ${when} < ${at(w.to)}`;
}

interface Paired {
  readonly score: Float32Array;
  readonly threshold: number;
  readonly label: ReadonlyArray<number | null>;
  readonly card: readonly string[];
  readonly day: readonly string[];
}

const finite = (v: number): number | null => (Number.isFinite(v) ? v : null);

export function figuresOf(version: string, p: Paired, k: number): LiveFigures {
  const known = p.label.flatMap((l, i) => (l === null ? [] : [i]));
  const scores = Float32Array.from(known, (i) => p.score[i]!);
  const labels = Uint8Array.from(known, (i) => p.label[i]!);
  const frauds = labels.reduce((n, l) => n + l, 0);
  let alerts = 0;
  let hits = 0;
  let judged = 0;
  p.score.forEach((s, i) => {
    if (s < p.threshold) return;
    alerts++;
    if (p.label[i] !== null) judged++;
    if (p.label[i] === 1) hits++;
  });
  const cards = known.map((i) => ({ day: p.day[i]!, card: p.card[i]!, score: p.score[i]!, label: p.label[i]! }));
  const some = frauds > 0 && frauds < known.length;
  return {
    version,
    transactions: p.score.length,
    labelled: known.length,
    frauds,
    ap: some ? finite(averagePrecision(scores, labels)) : null,
    roc_auc: some ? finite(rocAuc(scores, labels)) : null,
    card_precision_at_k: cards.length ? finite(cardPrecisionAtK(cards, k).mean) : null,
    k,
    threshold: p.threshold,
    alerts,
    precision_at_threshold: judged ? hits / judged : null,
  };
}

/** Both versions on every transaction both scored in the window; figures only on the labelled ones. */
export async function compareLive(
  w: Warehouse,
  a: string,
  b: string,
  window: LiveWindow,
  k = 100,
): Promise<LiveComparison> {
  const rows = await queryAll(w, pairedSql(w.dialect, a, b, window));
  const num = (v: unknown) => Number(v);
  const label = rows.map((r) => (r.label === null || r.label === undefined ? null : num(r.label)));
  const card = rows.map((r) => String(r.card));
  const day = rows.map((r) => String(r.day));
  const of = (s: string, t: string): Paired => ({
    score: Float32Array.from(rows, (r) => num(r[s])),
    threshold: rows.length ? num(rows[0]![t]) : 1,
    label,
    card,
    day,
  });
  const pb = of('pb', 'tb');
  return {
    window,
    a: figuresOf(a, of('pa', 'ta'), k),
    b: figuresOf(b, pb, k),
    scoresB: Float32Array.from(pb.score).sort().reverse(),
  };
}
