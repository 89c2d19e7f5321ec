// The BigQuery adapter through the official client against a local server speaking BigQuery's REST API: the real request bodies.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GoogleAuth, OAuth2Client } from 'google-auth-library';
import { BigQueryWarehouse, bigQuerySchema } from '../../shared/warehouse/bigquery.ts';
import { queryAll } from '../../shared/warehouse/port.ts';
import { TABLES } from '../../shared/warehouse/tables.ts';
import { startFakeBigQuery, type FakeBigQuery } from '../helpers/fake-bigquery.ts';

let fake: FakeBigQuery;
let w: BigQueryWarehouse;

beforeAll(async () => {
  fake = await startFakeBigQuery('proj');
  // A fixed token: the client never reaches Google's auth servers.
  const client = new OAuth2Client();
  client.setCredentials({ access_token: 'test-token', expiry_date: Date.now() + 3_600_000 });
  w = new BigQueryWarehouse({ projectId: 'proj', dataset: 'fraudflow', location: 'EU', apiEndpoint: fake.url, authClient: new GoogleAuth({ authClient: client, projectId: 'proj' }) });
});
afterAll(async () => {
  await fake.close();
});

const tx = (i: number) => ({ id: i.toString(16).padStart(32, '0'), schema_name: 'kaggle', schema_version: 1, source_file: 'f.csv', source_line: i + 2, ingested_at: '2026-11-25T10:00:00.000Z', Time: i, V1: -1.5, Amount: 12.5, Class: 0 });

describe('BigQuery warehouse (official client, local REST server)', () => {
  it('creates the dataset in its location and every table with the schema generated from zod, partitioned and clustered', async () => {
    await w.ensureTables();
    const ds = fake.requests.find((r) => r.method === 'POST' && r.path.endsWith('/datasets'))!;
    expect(ds.body).toMatchObject({ datasetReference: { datasetId: 'fraudflow' }, location: 'EU' });
    for (const def of Object.values(TABLES)) {
      const body = fake.tables.get(def.name)!;
      expect(body).toMatchObject({ tableReference: { projectId: 'proj', datasetId: 'fraudflow', tableId: def.name } });
      expect((body.schema as { fields: unknown }).fields).toEqual(bigQuerySchema(def));
      expect(body.timePartitioning).toEqual({ type: 'DAY', field: def.partitionBy });
      expect((body.clustering as { fields: string[] }).fields.length).toBeGreaterThan(0);
      expect((fake.tables.get(`${def.name}_unique`)!.view as { query: string }).query).toContain(`PARTITION BY ${def.idColumn}`);
    }
    const amount = bigQuerySchema(TABLES.transactions).find((f) => f.name === 'Amount');
    expect(amount).toEqual({ name: 'Amount', type: 'FLOAT64', mode: 'NULLABLE', description: 'transaction amount' });
    expect(bigQuerySchema(TABLES.transactions).find((f) => f.name === 'id')).toMatchObject({ type: 'STRING', mode: 'REQUIRED' });
  });

  it('does not create what exists already', async () => {
    const before = fake.requests.filter((r) => r.method === 'POST').length;
    await w.ensureTables();
    expect(fake.requests.filter((r) => r.method === 'POST').length).toBe(before);
  });

  it('inserts rows with the message id as insertId, so a re-sent batch is dropped', async () => {
    const rows = Array.from({ length: 2500 }, (_, i) => tx(i));
    await w.append('transactions', rows);
    await w.append('transactions', rows.slice(0, 100));
    const inserts = fake.requests.filter((r) => r.path.endsWith('/tables/transactions/insertAll'));
    expect(inserts).toHaveLength(3); // 2,000 + 500, then the 100 again
    const first = (inserts[0]!.body as { rows: Array<{ insertId: string; json: Record<string, unknown> }> }).rows[0]!;
    expect(first.insertId).toBe(tx(0).id);
    expect(first.json).toEqual(tx(0));
    expect(fake.rows.get('transactions')).toHaveLength(2500);
  });

  it('runs queries as jobs and pages the rows back', async () => {
    const rows = await queryAll(w, 'SELECT COUNT(*) AS n FROM transactions');
    expect(rows).toEqual([{ n: 2500 }]);
    const job = fake.requests.find((r) => r.path.endsWith('/jobs'))!;
    expect(job.body).toMatchObject({ configuration: { query: { query: 'SELECT COUNT(*) AS n FROM transactions', useLegacySql: false, defaultDataset: { projectId: 'proj', datasetId: 'fraudflow' } } } });
  });

  it('reports an invalid query as a typed input error', async () => {
    await expect(queryAll(w, 'SELEC nonsense')).rejects.toMatchObject({ code: 'INPUT_INVALID' });
  });
});
