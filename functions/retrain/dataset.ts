// The labelled history as a training matrix: rows from the warehouse, in time order, through the feature module.
import type { RawFeatureSpec } from '../../shared/features/raw/spec.ts';
import type { Warehouse } from '../../shared/warehouse/port.ts';
import type { SqlDialect } from '../../shared/warehouse/dialect.ts';
import { PCA_COLUMNS } from '../../shared/schema/kaggle.ts';
import { KAGGLE_FEATURES, kaggleFeatures, type KaggleFeatureInput } from '../../shared/features/kaggle.ts';
import { FraudflowError } from '../../shared/errors.ts';
import { UNLABELLED } from './split.ts';
import { txEpochMs } from '../../shared/schema/raw.ts';

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

function grow<T extends Float32Array | Float64Array | Uint8Array | Uint32Array>(a: T, size: number): T {
  const b = new (a.constructor as new (n: number) => T)(size);
  b.set(a);
  return b;
}

/** What part of the raw history to load: feature history from `from`, matrix rows kept from `keepFrom` (epoch seconds). */
export interface RawHistoryRange {
  /** The first transaction fed to the features (earlier ones are not read at all). */
  readonly from?: number;
  /** The first transaction whose features are kept as a row; earlier ones only build the state. */
  readonly keepFrom?: number;
  /** The feature spec of the rows (raw v1 or v2); default raw v1. */
  readonly spec?: RawFeatureSpec;
}

export interface RawDataset extends Dataset {
  /** The card (customer) of each row, as an index into `cardNames`. */
  readonly cards: Uint32Array;
  readonly cardNames: readonly string[];
  /** The customer id of each row (built on demand: `cards` is the compact form). */
  readonly customers: string[];
  /** Rows whose label is known (the others carry UNLABELLED). */
  readonly labelled: number;
}

const sqlTimestamp = (epochSeconds: number) =>
  `TIMESTAMP '${new Date(epochSeconds * 1000).toISOString().slice(0, 19).replace('T', ' ')}'`;

/**
 * Raw-format history through the feature module, in time order (the same code computes them online). Every
 * transaction feeds the features, labelled or not, as the online state sees every transaction; a row without a
 * label yet carries UNLABELLED and is left out of training and testing by the split.
 */
// eslint-disable-next-line max-lines-per-function -- one query stream folded into feature rows: the state lives across the loop (to split: issue 16)
export async function loadRawHistory(warehouse: Warehouse, range: RawHistoryRange = {}): Promise<RawDataset> {
  const { offlineFeatures } = await import('../../shared/features/raw/offline.ts');
  const spec = range.spec ?? (await import('../../shared/features/raw/spec.ts')).RAW_FEATURES;
  const width = spec.names.length;
  // Growable typed columns: a long history costs 4 bytes a feature, not a JS array per row.
  let cap = 1 << 16;
  let features = new Float32Array(cap * width);
  let labels = new Uint8Array(cap);
  let time = new Float64Array(cap);
  let cards = new Uint32Array(cap);
  const cardIds = new Map<string, number>();
  const cardNames: string[] = [];
  let n = 0;
  let labelled = 0;
  const keepFrom = range.keepFrom ?? -Infinity;
  async function* history() {
    const d = warehouse.dialect;
    const since = range.from !== undefined ? `AND t.tx_datetime >= ${sqlTimestamp(range.from)}` : '';
    const sql = `SELECT t.transaction_id, ${d.formatTimestamp('t.tx_datetime', '%Y-%m-%dT%H:%M:%SZ')} AS tx_datetime, t.customer_id, t.terminal_id, t.${d.ident('Amount')} AS amount,
        CAST(coalesce(l.label, t.label) AS INTEGER) AS label
      FROM transactions t LEFT JOIN ${latestLabels(d)} l ON l.transaction_id = t.transaction_id
      WHERE t.schema_name = 'raw' ${since} ORDER BY t.tx_datetime, t.source_line, t.id`;
    for await (const page of warehouse.query(sql)) {
      for (const r of page)
        yield {
          transaction_id: String(r.transaction_id),
          tx_datetime: String(r.tx_datetime),
          customer_id: String(r.customer_id),
          terminal_id: String(r.terminal_id),
          amount: Number(r.amount),
          ...(r.label === null || r.label === undefined ? {} : { label: Number(r.label) as 0 | 1 }),
        };
    }
  }
  for await (const { tx, features: f } of offlineFeatures(history(), spec)) {
    const t = txEpochMs(tx.tx_datetime) / 1000;
    if (t < keepFrom) continue;
    if (n === cap) {
      cap *= 2;
      features = grow(features, cap * width);
      labels = grow(labels, cap);
      time = grow(time, cap);
      cards = grow(cards, cap);
    }
    features.set(f, n * width);
    labels[n] = tx.label ?? UNLABELLED;
    if (tx.label !== undefined) labelled++;
    time[n] = t;
    let card = cardIds.get(tx.customer_id);
    if (card === undefined) {
      cardIds.set(tx.customer_id, (card = cardNames.length));
      cardNames.push(tx.customer_id);
    }
    cards[n] = card;
    n++;
  }
  if (labelled === 0)
    throw new FraudflowError('INPUT_INVALID', 'retrain: the warehouse holds no labelled raw-format transactions');
  const rowCards = cards.subarray(0, n);
  return {
    features: features.subarray(0, n * width),
    width,
    labels: labels.subarray(0, n),
    time: time.subarray(0, n),
    rows: n,
    spec,
    cards: rowCards,
    cardNames,
    get customers() {
      return Array.from(rowCards, (c) => cardNames[c]!);
    },
    labelled,
  };
}

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
