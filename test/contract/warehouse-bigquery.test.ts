// The BigQuery adapter through the official client against a local server speaking BigQuery's REST API: the warehouse contract, and the real request bodies.
import { fakeAuth } from '../helpers/fake-auth.ts';
import { BigQuery } from '@google-cloud/bigquery';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BigQueryWarehouse, bigQuerySchema } from '../../shared/warehouse/bigquery/bigquery.ts';
import { queryAll } from '../../shared/warehouse/port.ts';
import { TABLES } from '../../shared/warehouse/tables.ts';
import { startFakeBigQuery, type FakeBigQuery, type RecordedRequest } from '../helpers/fake-bigquery.ts';
import { txRow, warehouseContract } from './warehouse.contract.ts';

const fakes = new Map<BigQueryWarehouse, FakeBigQuery>();
warehouseContract(
  'BigQuery (official client, local REST server)',
  async () => {
    const fake = await startFakeBigQuery('proj');
    const w = new BigQueryWarehouse({
      projectId: 'proj',
      dataset: 'fraudflow',
      location: 'EU',
      apiEndpoint: fake.url,
      authClient: fakeAuth('proj'),
    });
    fakes.set(w, fake);
    return w;
  },
  async (w) => {
    await w.close();
    await fakes.get(w as BigQueryWarehouse)?.close();
  },
);

describe('BigQuery warehouse: what goes over the wire', () => {
  let fake: FakeBigQuery;
  let w: BigQueryWarehouse;
  beforeAll(async () => {
    fake = await startFakeBigQuery('proj');
    w = new BigQueryWarehouse({
      projectId: 'proj',
      dataset: 'fraudflow',
      location: 'EU',
      apiEndpoint: fake.url,
      authClient: fakeAuth('proj'),
    });
  });
  afterAll(async () => {
    await fake.close();
  });
  const since = (mark: number): RecordedRequest[] => fake.requests.slice(mark);

  it('creates the dataset in its location and every table with the schema generated from zod, day-partitioned and clustered', async () => {
    await w.ensureTables();
    const ds = fake.requests.find((r) => r.method === 'POST' && r.path.endsWith('/datasets'))!;
    expect(ds.body).toMatchObject({ datasetReference: { datasetId: 'fraudflow' }, location: 'EU' });
    for (const def of Object.values(TABLES)) {
      const body = fake.tables.get(def.name)!;
      expect(body).toMatchObject({ tableReference: { projectId: 'proj', datasetId: 'fraudflow', tableId: def.name } });
      expect((body.schema as { fields: unknown }).fields).toEqual(bigQuerySchema(def));
      expect(body.timePartitioning).toEqual({ type: 'DAY', field: def.partitionBy });
      expect(body.clustering).toEqual({ fields: def.clusterBy });
      expect((fake.tables.get(`${def.name}_unique`)!.view as { query: string }).query).toContain(
        `PARTITION BY ${def.idColumn}`,
      );
    }
    expect(bigQuerySchema(TABLES.transactions).find((f) => f.name === 'Amount')).toEqual({
      name: 'Amount',
      type: 'FLOAT64',
      mode: 'NULLABLE',
      description: 'transaction amount',
    });
    expect(bigQuerySchema(TABLES.transactions).find((f) => f.name === 'id')).toEqual({
      name: 'id',
      type: 'STRING',
      mode: 'REQUIRED',
      description: 'deterministic message id',
    });
    expect(bigQuerySchema(TABLES.transactions).find((f) => f.name === 'tx_datetime')).toMatchObject({
      type: 'TIMESTAMP',
      mode: 'NULLABLE',
    });
    expect(bigQuerySchema(TABLES.verdicts).find((f) => f.name === 'reasons')).toMatchObject({ type: 'JSON' });
  });

  it('does not create what exists already', async () => {
    const mark = fake.requests.length;
    await w.ensureTables();
    expect(since(mark).filter((r) => r.method === 'POST')).toEqual([]);
  });

  it('appends a batch as a load job into an expiring staging table, then one MERGE by id, then drops the staging table', async () => {
    const mark = fake.requests.length;
    const rows = [txRow(0), txRow(1), { ...txRow(2), Amount: undefined }];
    expect(await w.append('transactions', rows)).toEqual({
      table: 'transactions',
      received: 3,
      inserted: 3,
      duplicates: 0,
    });
    const calls = since(mark);
    const create = calls.find((r) => r.method === 'POST' && r.path.endsWith('/datasets/fraudflow/tables'))!;
    const staging = (create.body as { tableReference: { tableId: string } }).tableReference.tableId;
    expect(staging).toMatch(/^_staging_transactions_[0-9a-f]{32}$/);
    expect((create.body as { schema: { fields: unknown } }).schema.fields).toEqual(bigQuerySchema(TABLES.transactions));
    expect(Number((create.body as { expirationTime: string }).expirationTime)).toBeGreaterThan(Date.now());

    const upload = calls.find((r) => r.path === '/upload/bigquery/v2/projects/proj/jobs')!;
    expect(upload.query.uploadType).toBe('multipart');
    const { metadata, data } = upload.body as { metadata: Record<string, unknown>; data: string };
    expect(metadata).toMatchObject({
      configuration: {
        load: {
          destinationTable: { projectId: 'proj', datasetId: 'fraudflow', tableId: staging },
          sourceFormat: 'NEWLINE_DELIMITED_JSON',
          createDisposition: 'CREATE_NEVER',
          writeDisposition: 'WRITE_APPEND',
          maxBadRecords: 0,
        },
      },
      jobReference: { location: 'EU' },
    });
    const lines = data
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines).toEqual([
      txRow(0),
      txRow(1),
      Object.fromEntries(Object.entries(txRow(2)).filter(([k]) => k !== 'Amount')),
    ]);

    const merge = calls.find((r) => r.method === 'POST' && r.path === '/bigquery/v2/projects/proj/jobs')!;
    expect(merge.body).toMatchObject({
      configuration: { query: { useLegacySql: false } },
      jobReference: { location: 'EU' },
    });
    expect((merge.body as { configuration: { query: { query: string } } }).configuration.query.query).toBe(
      `MERGE \`proj.fraudflow.transactions\` AS t USING (SELECT * FROM \`proj.fraudflow.${staging}\` WHERE TRUE QUALIFY ROW_NUMBER() OVER (PARTITION BY \`id\`) = 1) AS s ` +
        'ON t.`id` = s.`id` WHEN NOT MATCHED THEN INSERT ROW',
    );
    expect(calls.some((r) => r.method === 'DELETE' && r.path.endsWith(`/tables/${staging}`))).toBe(true);
    expect(fake.tables.has(staging)).toBe(false);
  });

  it('counts a re-sent batch as duplicates from the MERGE statistics, and the table keeps one row per id', async () => {
    expect(await w.append('transactions', [txRow(0), txRow(1), txRow(3)])).toEqual({
      table: 'transactions',
      received: 3,
      inserted: 1,
      duplicates: 2,
    });
    expect(await fake.sql('select count(*) as n, count(distinct id) as ids from transactions')).toEqual([
      { n: '4', ids: '4' },
    ]);
  });

  it('runs queries as jobs on the dataset and pages the rows back', async () => {
    const mark = fake.requests.length;
    expect(await queryAll(w, 'SELECT COUNT(*) AS n FROM transactions')).toEqual([{ n: 4 }]);
    const job = since(mark).find((r) => r.path.endsWith('/jobs'))!;
    expect(job.body).toMatchObject({
      configuration: {
        query: {
          query: 'SELECT COUNT(*) AS n FROM transactions',
          useLegacySql: false,
          defaultDataset: { projectId: 'proj', datasetId: 'fraudflow' },
        },
      },
    });
    const results = since(mark).find((r) => r.path.includes('/queries/'))!;
    expect(results.query).toMatchObject({ maxResults: '10000', location: 'EU' });
  });

  it('fails a load job with a bad row whole, as a typed error naming the step, and leaves the table unchanged', async () => {
    await expect(w.append('transactions', [txRow(10), { ...txRow(11), id: undefined }])).rejects.toMatchObject({
      code: 'WAREHOUSE_REJECTED',
      message: expect.stringMatching(/load the batch/),
    });
    expect(await fake.sql('select count(*) as n from transactions')).toEqual([{ n: '4' }]);
  });
});

describe('BigQuery table made by an older version', () => {
  it('gains the nullable columns added since through tables.patch, the existing fields kept in order', async () => {
    const fake = await startFakeBigQuery('proj');
    try {
      const options = { projectId: 'proj', apiEndpoint: fake.url, authClient: fakeAuth('proj') as never };
      const bq = new BigQuery(options);
      await bq.dataset('fraudflow').create({ location: 'EU' });
      const oldFields = bigQuerySchema(TABLES.labels).filter((f) => f.name !== 'labelled_by');
      await bq
        .dataset('fraudflow')
        .table('labels')
        .create({ schema: { fields: oldFields } });
      const w = new BigQueryWarehouse({ ...options, dataset: 'fraudflow', location: 'EU' });
      await w.ensureTables();
      const patch = fake.requests.find((r) => r.method === 'PATCH' && r.path.endsWith('/tables/labels'))!;
      const fields = (patch.body as { schema: { fields: Array<{ name: string; mode: string }> } }).schema.fields;
      expect(fields.map((f) => f.name)).toEqual([...oldFields.map((f) => f.name), 'labelled_by']);
      expect(fields.at(-1)!.mode).toBe('NULLABLE');
      await w.ensureTables(); // nothing left to add: no second patch
      expect(fake.requests.filter((r) => r.method === 'PATCH')).toHaveLength(1);
      await w.close();
    } finally {
      await fake.close();
    }
  });
});
