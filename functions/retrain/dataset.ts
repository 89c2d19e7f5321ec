// The labelled history as a training matrix: rows from the warehouse, in time order, through the feature module.
import type { Warehouse } from '../../shared/warehouse/port.ts';
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

/** Kaggle-format history: Time, V1..V28, Amount, with its Class label. */
export async function loadKaggleHistory(warehouse: Warehouse): Promise<Dataset> {
  const cols = ['"Time"', ...PCA_COLUMNS.map((c) => `"${c}"`), '"Amount"', '"Class"::INTEGER AS "Class"'];
  const width = KAGGLE_FEATURES.names.length;
  let cap = 1 << 16;
  let features: Float32Array = new Float32Array(cap * width);
  let labels: Uint8Array = new Uint8Array(cap);
  let time: Float64Array = new Float64Array(cap);
  let n = 0;
  const sql = `SELECT ${cols.join(', ')} FROM transactions WHERE schema_name = 'kaggle' AND "Class" IS NOT NULL ORDER BY "Time", id`;
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
  if (n === 0) throw new FraudflowError('INPUT_INVALID', 'retrain: the warehouse holds no labelled Kaggle-format transactions; run ingest and sink first');
  return { features: features.subarray(0, n * width), width, labels: labels.subarray(0, n), time: time.subarray(0, n), rows: n, spec: KAGGLE_FEATURES };
}

function grow<T extends Float32Array | Float64Array | Uint8Array>(a: T, size: number): T {
  const b = new (a.constructor as new (n: number) => T)(size);
  b.set(a);
  return b;
}
