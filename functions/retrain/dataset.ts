// The labelled history as a training matrix: rows from the warehouse, in time order, through the feature module.
import type { Warehouse } from '../../shared/warehouse/port.ts';
import type { SqlDialect } from '../../shared/warehouse/dialect.ts';
import { PCA_COLUMNS } from '../../shared/schema/kaggle.ts';
import { KAGGLE_FEATURES, kaggleFeatures, type KaggleFeatureInput } from '../../shared/features/kaggle.ts';
import { FraudflowError } from '../../shared/errors.ts';
import { txEpochMs } from '../../shared/schema/raw.ts';
import { RowColumns } from './columns.ts';

export interface Dataset {
  readonly features: Float32Array;
  readonly width: number;
  readonly labels: Uint8Array;
  /** Event time in seconds, ascending. */
  readonly time: Float64Array;
  readonly rows: number;
  readonly spec: { name: string; version: number; names: string[] };
}

/**
 * Labels that arrived later (the `labels` table, fed by the labels topic) override or complete the label a row
 * came with; the latest per transaction wins. A Kaggle row's transaction id is its message id.
 */
export const latestLabels = (d: SqlDialect) =>
  `(SELECT transaction_id, ${d.latest('label', 'labelled_at')} AS label FROM labels GROUP BY 1)`;

/** Kaggle-format history: Time, V1..V28, Amount, with its Class label. */
export async function loadKaggleHistory(warehouse: Warehouse): Promise<Dataset> {
  const d = warehouse.dialect;
  const q = (c: string) => `t.${d.ident(c)}`;
  const cols = [
    q('Time'),
    ...PCA_COLUMNS.map(q),
    q('Amount'),
    `CAST(coalesce(l.label, ${q('Class')}) AS INTEGER) AS ${d.ident('Class')}`,
  ];
  const out = new RowColumns(KAGGLE_FEATURES.names.length);
  const sql = `SELECT ${cols.join(', ')} FROM transactions t LEFT JOIN ${latestLabels(d)} l ON l.transaction_id = t.id
    WHERE t.schema_name = 'kaggle' AND coalesce(l.label, ${q('Class')}) IS NOT NULL ORDER BY ${q('Time')}, t.id`;
  for await (const page of warehouse.query(sql))
    for (const row of page) {
      const at = out.slot(Number(row.Class), Number(row.Time));
      kaggleFeatures(row as unknown as KaggleFeatureInput, out.featureBuffer, at);
    }
  const c = out.done();
  if (c.rows === 0)
    throw new FraudflowError(
      'INPUT_INVALID',
      'retrain: the warehouse holds no labelled Kaggle-format transactions; run ingest and sink first',
    );
  return {
    features: c.features,
    width: out.width,
    labels: c.labels,
    time: c.time,
    rows: c.rows,
    spec: KAGGLE_FEATURES,
  };
}

export { loadRawHistory, type RawDataset, type RawHistoryRange } from './raw-history.ts';

/** When the raw history starts (any row) and its newest labelled row (epoch seconds); null without labelled rows. */
export async function rawHistorySpan(warehouse: Warehouse): Promise<{ first: number; lastLabelled: number } | null> {
  const d = warehouse.dialect;
  const iso = (c: string) => d.formatTimestamp(c, '%Y-%m-%dT%H:%M:%SZ');
  const labelledAt = `CASE WHEN coalesce(l.label, t.label) IS NOT NULL THEN t.tx_datetime END`;
  for await (const page of warehouse.query(`SELECT ${iso('min(t.tx_datetime)')} AS first, ${iso(`max(${labelledAt})`)} AS last
      FROM transactions t LEFT JOIN ${latestLabels(d)} l ON l.transaction_id = t.transaction_id
      WHERE t.schema_name = 'raw'`)) {
    const r = page[0];
    if (!r || r.last === null || r.last === undefined) return null;
    return { first: txEpochMs(String(r.first)) / 1000, lastLabelled: txEpochMs(String(r.last)) / 1000 };
  }
  return null;
}

/** Which format has the more labelled history: that is what a run trains on unless told otherwise. */
export async function labelledCounts(warehouse: Warehouse): Promise<Record<'kaggle' | 'raw', number>> {
  const out = { kaggle: 0, raw: 0 };
  const d = warehouse.dialect;
  for await (const page of warehouse.query(`SELECT t.schema_name, CAST(count(*) AS INTEGER) AS n FROM transactions t
      LEFT JOIN ${latestLabels(d)} l ON l.transaction_id = coalesce(t.transaction_id, t.id)
      WHERE coalesce(l.label, t.${d.ident('Class')}, t.label) IS NOT NULL GROUP BY 1`)) {
    for (const r of page) if (r.schema_name === 'kaggle' || r.schema_name === 'raw') out[r.schema_name] = Number(r.n);
  }
  return out;
}
