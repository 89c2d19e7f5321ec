// The labelled history as a training matrix: rows from the warehouse, in time order, through the feature module.
import type { Warehouse } from '../../shared/warehouse/port.ts';
import type { SqlDialect } from '../../shared/warehouse/dialect.ts';
import { PCA_COLUMNS } from '../../shared/schema/kaggle.ts';
import { KAGGLE_FEATURES, kaggleFeatures, type KaggleFeatureInput } from '../../shared/features/kaggle.ts';
import { FraudflowError } from '../../shared/errors.ts';

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
  const width = KAGGLE_FEATURES.names.length;
  let cap = 1 << 16;
  let features: Float32Array = new Float32Array(cap * width);
  let labels: Uint8Array = new Uint8Array(cap);
  let time: Float64Array = new Float64Array(cap);
  let n = 0;
  const sql = `SELECT ${cols.join(', ')} FROM transactions t LEFT JOIN ${latestLabels(d)} l ON l.transaction_id = t.id
    WHERE t.schema_name = 'kaggle' AND coalesce(l.label, ${q('Class')}) IS NOT NULL ORDER BY ${q('Time')}, t.id`;
  for await (const page of warehouse.query(sql)) {
    for (const row of page) {
      if (n === cap) {
        cap *= 2;
        features = grow(features, cap * width) as Float32Array;
        labels = grow(labels, cap) as Uint8Array;
        time = grow(time, cap) as Float64Array;
      }
      kaggleFeatures(row as unknown as KaggleFeatureInput, features, n * width);
      labels[n] = Number(row.Class);
      time[n] = Number(row.Time);
      n++;
    }
  }
  if (n === 0)
    throw new FraudflowError(
      'INPUT_INVALID',
      'retrain: the warehouse holds no labelled Kaggle-format transactions; run ingest and sink first',
    );
  return {
    features: features.subarray(0, n * width),
    width,
    labels: labels.subarray(0, n),
    time: time.subarray(0, n),
    rows: n,
    spec: KAGGLE_FEATURES,
  };
}

function grow<T extends Float32Array | Float64Array | Uint8Array>(a: T, size: number): T {
  const b = new (a.constructor as new (n: number) => T)(size);
  b.set(a);
  return b;
}

/** Raw-format history through the feature module, in time order (the same code computes them online). */
export async function loadRawHistory(warehouse: Warehouse): Promise<Dataset & { customers: string[] }> {
  const { offlineFeatures } = await import('../../shared/features/raw/offline.ts');
  const { RAW_FEATURES } = await import('../../shared/features/raw/spec.ts');
  const { txEpochMs } = await import('../../shared/schema/raw.ts');
  const width = RAW_FEATURES.names.length;
  // Growable typed columns: a long history costs 4 bytes a feature, not a JS array per row.
  let cap = 1 << 16;
  let features = new Float32Array(cap * width);
  let labels = new Uint8Array(cap);
  let time = new Float64Array(cap);
  const customers: string[] = [];
  let n = 0;
  async function* history() {
    const d = warehouse.dialect;
    const sql = `SELECT t.transaction_id, ${d.formatTimestamp('t.tx_datetime', '%Y-%m-%dT%H:%M:%SZ')} AS tx_datetime, t.customer_id, t.terminal_id, t.${d.ident('Amount')} AS amount,
        CAST(coalesce(l.label, t.label) AS INTEGER) AS label
      FROM transactions t LEFT JOIN ${latestLabels(d)} l ON l.transaction_id = t.transaction_id
      WHERE t.schema_name = 'raw' AND coalesce(l.label, t.label) IS NOT NULL ORDER BY t.tx_datetime, t.source_line, t.id`;
    for await (const page of warehouse.query(sql)) {
      for (const r of page)
        yield {
          transaction_id: String(r.transaction_id),
          tx_datetime: String(r.tx_datetime),
          customer_id: String(r.customer_id),
          terminal_id: String(r.terminal_id),
          amount: Number(r.amount),
          label: Number(r.label) as 0 | 1,
        };
    }
  }
  for await (const { tx, features: f } of offlineFeatures(history())) {
    if (n === cap) {
      cap *= 2;
      features = grow(features, cap * width);
      labels = grow(labels, cap);
      time = grow(time, cap);
    }
    features.set(f, n * width);
    labels[n] = tx.label ?? 0;
    time[n] = txEpochMs(tx.tx_datetime) / 1000;
    customers.push(tx.customer_id);
    n++;
  }
  if (n === 0)
    throw new FraudflowError('INPUT_INVALID', 'retrain: the warehouse holds no labelled raw-format transactions');
  return {
    features: features.subarray(0, n * width),
    width,
    labels: labels.subarray(0, n),
    time: time.subarray(0, n),
    rows: n,
    spec: RAW_FEATURES,
    customers,
  };
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
