// `models compare`'s SQL on both warehouses: the same champion and shadow verdicts and labels in a DuckDB file and in
// BigQuery (the official client against the local REST server) give the same figures.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fakeAuth } from '../helpers/fake-auth.ts';
import { startFakeBigQuery, type FakeBigQuery } from '../helpers/fake-bigquery.ts';
import { tempDir } from '../helpers/tmp.ts';
import { BigQueryWarehouse } from '../../shared/warehouse/bigquery/bigquery.ts';
import { DuckDbWarehouse } from '../../shared/warehouse/duckdb/duckdb.ts';
import type { Warehouse } from '../../shared/warehouse/port.ts';
import { compareLive, maturedWindow, type LiveComparison } from '../../shared/live/compare.ts';
import { comparisonRows } from '../../cli/commands/models-compare.ts';
import { writeLiveTrafficTo } from '../helpers/live-traffic.ts';

const dir = tempDir('fraudflow-live-compare-');
let fake: FakeBigQuery;
const warehouses = {} as Record<'duckdb' | 'bigquery', Warehouse>;
const results = {} as Record<'duckdb' | 'bigquery', LiveComparison>;

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
  for (const w of Object.values(warehouses)) await writeLiveTrafficTo(w);
  const window = maturedWindow(new Date(), 7, 7);
  for (const kind of ['duckdb', 'bigquery'] as const)
    results[kind] = await compareLive(warehouses[kind], 'champ-1', 'chall-2', window, 100);
}, 120_000);

afterAll(async () => {
  for (const w of Object.values(warehouses)) await w?.close();
  await fake?.close();
  dir.cleanup();
});

describe('models compare on both warehouses', () => {
  it('runs its comparison SQL on BigQuery through the REST API', () => {
    const queries = fake.requests.filter((r) => r.path.endsWith('/queries') || r.path.endsWith('/jobs'));
    expect(queries.some((r) => JSON.stringify(r.body).includes('shadow_verdicts'))).toBe(true);
    expect(results.bigquery.a.transactions).toBe(200);
    expect(results.bigquery.b.frauds).toBe(10);
  });

  it('gives identical figures on DuckDB and BigQuery for the same verdicts and labels', () => {
    expect(comparisonRows(results.bigquery)).toEqual(comparisonRows(results.duckdb));
    for (const side of ['a', 'b'] as const) {
      const [d, b] = [results.duckdb[side], results.bigquery[side]];
      expect({ ...b, ap: null, roc_auc: null, card_precision_at_k: null }).toEqual({
        ...d,
        ap: null,
        roc_auc: null,
        card_precision_at_k: null,
      });
      expect(b.ap!).toBeCloseTo(d.ap!, 9);
      expect(b.roc_auc!).toBeCloseTo(d.roc_auc!, 9);
      expect(b.card_precision_at_k!).toBeCloseTo(d.card_precision_at_k!, 9);
    }
    expect(Array.from(results.bigquery.scoresB)).toEqual(Array.from(results.duckdb.scoresB));
  });
});
