// Raw-format history as a training matrix: streamed from the warehouse in time order, through the offline features, into typed columns.
import type { Warehouse } from '../../shared/warehouse/port.ts';
import { RAW_FEATURES, type RawFeatureSpec } from '../../shared/features/raw/spec.ts';
import { offlineFeatures } from '../../shared/features/raw/offline.ts';
import { readsExtra } from '../../shared/features/raw/versions.ts';
import type { RawTx } from '../../shared/features/raw/compute.ts';
import { FraudflowError } from '../../shared/errors.ts';
import { UNLABELLED } from './split.ts';
import { OfflineRawFeatures, type HistoryTx } from './raw-features.ts';
import { latestLabels, type Dataset } from './dataset.ts';
import { RowColumns } from './columns.ts';

/** What part of the raw history to load: feature history from `from`, matrix rows kept from `keepFrom` (epoch seconds). */
export interface RawHistoryRange {
  /** The first transaction fed to the features (earlier ones are not read at all). */
  readonly from?: number;
  /** The first transaction whose features are kept as a row; earlier ones only build the state. */
  readonly keepFrom?: number;
  /** The feature spec of the rows (raw v1, v2 or v3); default raw v1 (RAW_FEATURES). */
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

const since = (range: RawHistoryRange) =>
  range.from !== undefined ? `AND t.tx_datetime >= ${sqlTimestamp(range.from)}` : '';

/** The history's rows, oldest first, as numbers and ids (times as whole seconds: no date text to parse a row). */
async function* history(warehouse: Warehouse, range: RawHistoryRange): AsyncGenerator<HistoryTx[]> {
  const d = warehouse.dialect;
  const sql = `SELECT t.transaction_id, ${d.epochSeconds('t.tx_datetime')} AS t, t.customer_id, t.terminal_id,
      t.${d.ident('Amount')} AS amount, CAST(coalesce(l.label, t.label) AS INTEGER) AS label
    FROM transactions t LEFT JOIN ${latestLabels(d)} l ON l.transaction_id = t.transaction_id
    WHERE t.schema_name = 'raw' ${since(range)} ORDER BY t.tx_datetime, t.source_line, t.id`;
  for await (const page of warehouse.query(sql))
    yield page.map((r) => ({
      txId: String(r.transaction_id),
      t: Number(r.t),
      customer: String(r.customer_id),
      terminal: String(r.terminal_id),
      amount: Number(r.amount),
      label: r.label === null || r.label === undefined ? null : (Number(r.label) as 0 | 1),
    }));
}

/** The transaction ids that occur more than once in the range: the only ones the features must remember. */
async function duplicatedIds(warehouse: Warehouse, range: RawHistoryRange): Promise<Set<string>> {
  const out = new Set<string>();
  const sql = `SELECT t.transaction_id FROM transactions t WHERE t.schema_name = 'raw' ${since(range)}
    GROUP BY 1 HAVING count(*) > 1`;
  for await (const page of warehouse.query(sql)) for (const r of page) out.add(String(r.transaction_id));
  return out;
}

/** Rows from `keepFrom` on: the matrix is allocated once at its size. */
async function keptRows(warehouse: Warehouse, range: RawHistoryRange): Promise<number> {
  const keep = range.keepFrom !== undefined ? `AND t.tx_datetime >= ${sqlTimestamp(range.keepFrom)}` : '';
  for await (const page of warehouse.query(
    `SELECT CAST(count(*) AS INTEGER) AS n FROM transactions t WHERE t.schema_name = 'raw' ${since(range)} ${keep}`,
  ))
    return Number(page[0]?.n ?? 0);
  return 0;
}

/** Card ids interned as small integers, in order of first appearance. */
class Cards {
  readonly names: string[] = [];
  private readonly ids = new Map<string, number>();

  of(name: string): number {
    let id = this.ids.get(name);
    if (id === undefined) {
      this.ids.set(name, (id = this.names.length));
      this.names.push(name);
    }
    return id;
  }
}

/**
 * Raw-format history through the offline features, in time order (the same definitions compute them online). Every
 * transaction feeds the features, labelled or not, as the online state sees every transaction; a row without a
 * label yet carries UNLABELLED and is left out of training and testing by the split. Memory: the kept rows' columns
 * and the feature state's retention window, whatever the length of the history before `keepFrom`.
 */
export async function loadRawHistory(warehouse: Warehouse, range: RawHistoryRange = {}): Promise<RawDataset> {
  const spec = range.spec ?? RAW_FEATURES;
  const cols = new RowColumns(spec.names.length, await keptRows(warehouse, range));
  const cards = new Cards();
  const keepFrom = range.keepFrom ?? -Infinity;
  let labelled = 0;
  for await (const { tx, f } of featureRows(warehouse, range, spec)) {
    if (tx.t < keepFrom) continue;
    cols.push(f, tx.label ?? UNLABELLED, tx.t, cards.of(tx.customer));
    if (tx.label !== null) labelled++;
  }
  if (labelled === 0)
    throw new FraudflowError('INPUT_INVALID', 'retrain: the warehouse holds no labelled raw-format transactions');
  return rawDataset(cols, cards.names, labelled, spec);
}

/**
 * Each history row with its features: v1 and v3 (functions of v1's windows) by running window sums (O(1) a row, bit
 * for bit the shared offline features), v2 (the state's v2 aggregates) through the shared computeAndRecord on an
 * in-memory state (the online path's code).
 */
async function* featureRows(
  warehouse: Warehouse,
  range: RawHistoryRange,
  spec: RawFeatureSpec,
): AsyncGenerator<{ tx: HistoryTx; f: ArrayLike<number> }> {
  if (!readsExtra(spec)) {
    const features = new OfflineRawFeatures(await duplicatedIds(warehouse, range), spec);
    for await (const page of history(warehouse, range)) for (const tx of page) yield { tx, f: features.next(tx) };
    return;
  }
  const pending: HistoryTx[] = [];
  async function* asRaw(): AsyncGenerator<RawTx> {
    for await (const page of history(warehouse, range))
      for (const h of page) {
        pending.push(h);
        yield rawTxOf(h);
      }
  }
  for await (const { features } of offlineFeatures(asRaw(), spec)) yield { tx: pending.shift()!, f: features };
}

const rawTxOf = (h: HistoryTx): RawTx => ({
  transaction_id: h.txId,
  tx_datetime: new Date(h.t * 1000).toISOString().slice(0, 19) + 'Z',
  customer_id: h.customer,
  terminal_id: h.terminal,
  amount: h.amount,
  ...(h.label === null ? {} : { label: h.label }),
});

function rawDataset(
  cols: RowColumns,
  cardNames: readonly string[],
  labelled: number,
  spec: RawFeatureSpec,
): RawDataset {
  const c = cols.done();
  return {
    features: c.features,
    width: cols.width,
    labels: c.labels,
    time: c.time,
    rows: c.rows,
    spec,
    cards: c.cards,
    cardNames,
    get customers() {
      return Array.from(c.cards, (i) => cardNames[i]!);
    },
    labelled,
  };
}
