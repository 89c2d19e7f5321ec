// The retrain and report queries, written once through the warehouse's SQL dialect, give the same answers on a
// DuckDB file and on BigQuery (the official client against a local server whose parser refuses DuckDB-only SQL).
import { join } from 'node:path';
import { fakeAuth } from '../helpers/fake-auth.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BigQueryWarehouse } from '../../shared/warehouse/bigquery/bigquery.ts';
import { DuckDbWarehouse } from '../../shared/warehouse/duckdb/duckdb.ts';
import type { Warehouse } from '../../shared/warehouse/port.ts';
import { contentId } from '../../shared/schema/formats.ts';
import { loadKaggleHistory, loadRawHistory, labelledCounts } from '../../functions/retrain/dataset.ts';
import { gatherReport } from '../../cli/report/data.ts';
import { ObjectStoreRegistry } from '../../shared/model/registry/objectstore/registry.ts';
import { LocalObjectStore } from '../../shared/objectstore/local/local.ts';
import type { Runtime } from '../../shared/runtime.ts';
import { kaggleRecords } from '../../shared/synth/kaggle.ts';
import { startFakeBigQuery, type FakeBigQuery } from '../helpers/fake-bigquery.ts';
import { tempDir } from '../helpers/tmp.ts';

const dir = tempDir('fraudflow-history-');
const AT = '2026-11-25T00:00:00Z';
const envelope = (key: string, schema: string, line: number, payload: Record<string, unknown>) =>
  Buffer.from(
    JSON.stringify({
      id: contentId(key),
      schema: { name: schema, version: 1 },
      source: { file: 'h.csv', line },
      ingested_at: AT,
      payload,
    }),
  );

/** 600 Kaggle rows, 300 raw transactions over 20 days (3 customers, 2 terminals), labels that override 2 of them. */
async function fill(w: Warehouse): Promise<void> {
  await w.ensureTables();
  const kaggle = [...kaggleRecords(600, 4)].map((row, i) => envelope(`k${i}`, 'kaggle', i + 2, row));
  await w.appendEnvelopes('transactions', 'kaggle', kaggle);
  const raw = Array.from({ length: 300 }, (_, i) =>
    envelope(`r${i}`, 'raw', i + 2, {
      transaction_id: `tx-${i}`,
      tx_datetime: new Date(Date.parse('2026-03-01T00:00:00Z') + i * 5_760_000).toISOString().replace('.000', ''),
      customer_id: `c${i % 3}`,
      terminal_id: `t${i % 2}`,
      amount: 10 + (i % 17) * 3.5,
      label: i % 23 === 0 ? 1 : 0,
    }),
  );
  await w.appendEnvelopes('transactions', 'raw', raw);
  const labels = [
    envelope('l1', 'label', 2, {
      transaction_id: 'tx-5',
      label: 0,
      source: 'investigation',
      labelled_at: '2026-04-01T00:00:00Z',
    }),
    envelope('l2', 'label', 3, {
      transaction_id: 'tx-5',
      label: 1,
      source: 'chargeback',
      labelled_at: '2026-04-02T00:00:00Z',
    }),
    envelope('l3', 'label', 4, {
      transaction_id: 'tx-23',
      label: 0,
      source: 'confirmed',
      labelled_at: '2026-04-03T00:00:00Z',
    }),
  ];
  await w.appendEnvelopes('labels', 'label', labels);
}

let fake: FakeBigQuery;
const warehouses: Record<'duckdb' | 'bigquery', Warehouse> = {} as Record<'duckdb' | 'bigquery', Warehouse>;

beforeAll(async () => {
  fake = await startFakeBigQuery('proj');
  warehouses.bigquery = new BigQueryWarehouse({
    projectId: 'proj',
    dataset: 'fraudflow',
    location: 'EU',
    apiEndpoint: fake.url,
    authClient: fakeAuth('proj'),
  });
  warehouses.duckdb = await DuckDbWarehouse.open(join(dir.path, 'w.duckdb'));
  for (const w of Object.values(warehouses)) await fill(w);
}, 60_000);

afterAll(async () => {
  for (const w of Object.values(warehouses)) await w.close();
  await fake.close();
  dir.cleanup();
});

describe('history queries on both warehouses', () => {
  it('count the labelled history per format alike', async () => {
    expect(await labelledCounts(warehouses.duckdb)).toEqual({ kaggle: 600, raw: 300 });
    expect(await labelledCounts(warehouses.bigquery)).toEqual({ kaggle: 600, raw: 300 });
  });

  it('load the same Kaggle-format training matrix, in time order', async () => {
    const [a, b] = [await loadKaggleHistory(warehouses.duckdb), await loadKaggleHistory(warehouses.bigquery)];
    expect(b.rows).toBe(600);
    expect(Array.from(b.time)).toEqual(Array.from(a.time));
    expect(Array.from(b.labels)).toEqual(Array.from(a.labels));
    expect(Array.from(b.features)).toEqual(Array.from(a.features));
  });

  it('load the same raw history through the feature module, the latest arrived label winning', async () => {
    const [a, b] = [await loadRawHistory(warehouses.duckdb), await loadRawHistory(warehouses.bigquery)];
    expect(b.rows).toBe(300);
    expect(b.customers).toEqual(a.customers);
    expect(Array.from(b.features)).toEqual(Array.from(a.features));
    expect(Array.from(b.labels)).toEqual(Array.from(a.labels));
    expect(b.labels[5]).toBe(1); // tx-5: genuine as ingested, then 0, then 1 (chargeback), the latest
    expect(b.labels[23]).toBe(0); // tx-23: fraud as ingested, confirmed genuine later
  });

  it('gather the same report: drift and quality per day', async () => {
    const report = async (w: Warehouse) =>
      gatherReport({
        models: () => new ObjectStoreRegistry(new LocalObjectStore(join(dir.path, 'models'))),
        warehouse: async () => w,
        config: { dataDir: dir.path },
      } as unknown as Runtime);
    const verdicts = (i: number) =>
      envelope(`v${i}`, 'verdict', i + 2, {
        transaction_id: `tx-${i}`, // a raw transaction's verdict names its business id
        customer_id: `c${i % 3}`,
        probability: (i % 10) / 10,
        verdict: i % 10 >= 8 ? 'fraud' : 'legit',
        threshold: 0.8,
        model_version: 'm1',
        reasons: [],
        scored_at: AT,
      });
    for (const w of Object.values(warehouses))
      await w.appendEnvelopes(
        'verdicts',
        'verdict',
        Array.from({ length: 300 }, (_, i) => verdicts(i)),
      );
    const [a, b] = [await report(warehouses.duckdb), await report(warehouses.bigquery)];
    expect(a.quality.length).toBeGreaterThan(10);
    expect(b.quality).toEqual(a.quality);
    expect(b.drift).toEqual(a.drift);
  });

  it("are refused by the BigQuery server when written in DuckDB's dialect", async () => {
    const duckOnly = `SELECT t."Time", count(*)::INTEGER AS n FROM transactions t GROUP BY 1`;
    await expect(
      (async () => {
        for await (const _ of warehouses.bigquery.query(duckOnly)) {
          /* drain */
        }
      })(),
    ).rejects.toThrow(/casts are not GoogleSQL|double-quoted/);
  });
});
