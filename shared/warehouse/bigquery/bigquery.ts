// The warehouse on BigQuery: tables from the generated schema (day-partitioned, clustered); each batch loaded into a staging table, then MERGEd by id; queries as jobs.
import { BIGQUERY_DIALECT } from '../dialect.ts';
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { BigQuery, type Job, type Table } from '@google-cloud/bigquery';
import type { GoogleAuth } from 'google-auth-library';
import { FraudflowError, wrapError } from '../../errors.ts';
import type { AnyEnvelope } from '../../schema/registry.ts';
import { flatten } from '../flatten.ts';
import type { AppendResult, Row, Warehouse } from '../port.ts';
import { TABLES, type TableDef, type TableName } from '../tables.ts';
import { bigQuerySchema, bigQueryTableResource, mergeSql, ndjsonChunks, plainRow, uniqueViewSql } from './sql.ts';

export { bigQuerySchema, bigQueryTableResource, uniqueViewSql } from './sql.ts';

/** A staging table left behind by a crash is dropped by BigQuery after this long. */
const STAGING_TTL_MS = 6 * 3600_000;
const PAGE_ROWS = 10_000;

export interface BigQueryOptions {
  readonly projectId: string;
  readonly dataset: string;
  readonly location: string;
  /** For tests and emulators: a local server speaking the BigQuery REST API. */
  readonly apiEndpoint?: string;
  readonly authClient?: GoogleAuth;
}

interface QueryPage {
  rows: Row[];
  pageToken?: string;
  dmlAffectedRows?: number;
}

/**
 * Exactly once without relying on insertAll's insert ids (they dedupe retries for about a minute, best effort,
 * and streamed rows are not guaranteed visible to a query at once): a batch is a load job into a fresh staging
 * table (atomic, no streaming buffer), then one MERGE inserting the ids the target lacks.
 */
export class BigQueryWarehouse implements Warehouse {
  readonly kind = 'bigquery';
  readonly dialect = BIGQUERY_DIALECT;
  private readonly bq: BigQuery;

  constructor(private readonly options: BigQueryOptions) {
    this.bq = new BigQuery({
      projectId: options.projectId,
      location: options.location,
      ...(options.apiEndpoint ? { apiEndpoint: options.apiEndpoint } : {}),
      ...(options.authClient ? { authClient: options.authClient as never } : {}),
    });
  }

  async ensureTables(): Promise<void> {
    const { projectId, dataset: datasetId, location } = this.options;
    const dataset = this.bq.dataset(datasetId, { location });
    try {
      const [exists] = await dataset.exists();
      if (!exists) await dataset.create({ location });
      for (const def of Object.values(TABLES)) {
        const table = dataset.table(def.name);
        const [has] = await table.exists();
        if (!has) await table.create(bigQueryTableResource(def));
        else await addMissingColumns(table, def);
        const view = dataset.table(`${def.name}_unique`);
        const [hasView] = await view.exists();
        if (!hasView)
          await view.create({ view: { query: uniqueViewSql(projectId, datasetId, def), useLegacySql: false } });
      }
    } catch (e) {
      throw wrapError(e, 'WAREHOUSE_FAILED', `bigquery: cannot create dataset ${datasetId} and its tables`, {
        dataset: datasetId,
      });
    }
  }

  async append(table: TableName, rows: readonly Row[]): Promise<AppendResult> {
    if (rows.length === 0) return { table, received: 0, inserted: 0, duplicates: 0 };
    const def = TABLES[table];
    const stagingId = `_staging_${table}_${randomUUID().replaceAll('-', '')}`;
    const staging = this.bq
      .dataset(this.options.dataset, { location: this.options.location })
      .table(stagingId, { location: this.options.location });
    let step = 'create the staging table';
    try {
      await staging.create({
        schema: { fields: bigQuerySchema(def) },
        expirationTime: String(Date.now() + STAGING_TTL_MS),
      });
      step = 'load the batch';
      await this.load(staging, ndjsonChunks(def, rows));
      step = 'merge the batch';
      const merged = await this.run(mergeSql(this.options.projectId, this.options.dataset, def, stagingId));
      step = 'drop the staging table';
      await staging.delete();
      const inserted = merged.dmlAffectedRows ?? 0;
      return { table, received: rows.length, inserted, duplicates: rows.length - inserted };
    } catch (e) {
      const errors = (e as { errors?: unknown[] }).errors;
      // A load job that failed on the rows themselves (reason "invalid") fails the same way again: refused, not down.
      const refused =
        step === 'load the batch' &&
        (errors ?? []).some((x) => (x as { reason?: string } | null)?.reason === 'invalid');
      throw wrapError(
        e,
        refused ? 'WAREHOUSE_REJECTED' : 'WAREHOUSE_FAILED',
        `bigquery: append of ${rows.length} rows to ${table} failed (${step})`,
        {
          table,
          staging: stagingId,
          ...(errors ? { errors: errors.slice(0, 5) } : {}),
        },
      );
    }
  }

  async appendEnvelopes(table: TableName, _schemaName: string, values: readonly Uint8Array[]): Promise<AppendResult> {
    // The rows travel as JSON to BigQuery anyway: flatten each envelope here.
    const rows = values.map((v) =>
      flatten(table, JSON.parse(Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('utf8')) as AnyEnvelope),
    );
    return this.append(table, rows);
  }

  async *query(sql: string): AsyncIterable<Row[]> {
    let job: Job;
    try {
      [job] = await this.bq.createQueryJob({
        query: sql,
        location: this.options.location,
        defaultDataset: { projectId: this.options.projectId, datasetId: this.options.dataset },
      });
    } catch (e) {
      throw wrapError(e, 'INPUT_INVALID', `bigquery: query failed`, { sql });
    }
    let pageToken: string | undefined;
    do {
      let page: QueryPage;
      try {
        page = await this.page(job, pageToken);
      } catch (e) {
        throw wrapError(e, 'INPUT_INVALID', `bigquery: query job ${job.id} failed`, { sql });
      }
      yield page.rows;
      pageToken = page.pageToken;
    } while (pageToken);
  }

  async close(): Promise<void> {
    // The client holds no connections that need closing.
  }

  /** A load job of newline-delimited JSON into an existing table, streamed up and waited for: its rows are all there, or none. */
  private async load(table: Table, chunks: Iterable<string>): Promise<void> {
    const stream = table.createWriteStream({
      sourceFormat: 'NEWLINE_DELIMITED_JSON',
      createDisposition: 'CREATE_NEVER',
      writeDisposition: 'WRITE_APPEND',
      ignoreUnknownValues: false,
      maxBadRecords: 0,
    });
    const done = once(stream, 'complete');
    // An upload error rejects both this and a pending 'drain' wait; whichever is awaited reports it.
    done.catch(() => undefined);
    for (const chunk of chunks) {
      if (!stream.write(chunk)) await once(stream, 'drain');
    }
    stream.end();
    await done;
  }

  /** Runs a statement as a query job and waits for it; DML reports the rows it changed. */
  private async run(sql: string): Promise<QueryPage> {
    const [job] = await this.bq.createQueryJob({ query: sql, location: this.options.location });
    return this.page(job, undefined);
  }

  private async page(job: Job, pageToken: string | undefined): Promise<QueryPage> {
    for (;;) {
      const [rows, , response] = await job.getQueryResults({
        autoPaginate: false,
        maxResults: PAGE_ROWS,
        ...(pageToken ? { pageToken } : {}),
      });
      // getQueryResults waits a while on the server, then answers jobComplete=false for a query still running.
      if (response?.jobComplete === false) continue;
      const fields = response?.schema?.fields ?? [];
      const dml = response?.numDmlAffectedRows;
      return {
        rows: (rows as Array<Record<string, unknown>>).map((r) => plainRow(r, fields)),
        ...(response?.pageToken ? { pageToken: response.pageToken } : {}),
        ...(dml !== undefined && dml !== null ? { dmlAffectedRows: Number(dml) } : {}),
      };
    }
  }
}

/** A table made by an older version gains the nullable columns added since (BigQuery allows adding NULLABLE fields). */
async function addMissingColumns(table: Table, def: TableDef): Promise<void> {
  const [metadata] = await table.getMetadata();
  const fields = (metadata as { schema?: { fields?: Array<{ name: string }> } }).schema?.fields ?? [];
  const have = new Set(fields.map((f) => f.name.toLowerCase()));
  const added = bigQuerySchema(def).filter((f) => !have.has(String(f.name).toLowerCase()));
  if (added.length === 0) return;
  if (added.some((f) => f.mode === 'REQUIRED'))
    throw new FraudflowError('WAREHOUSE_FAILED', `bigquery: table ${def.name} lacks required columns`, {
      table: def.name,
      missing: added.map((f) => f.name),
    });
  await table.setMetadata({ schema: { fields: [...fields, ...added] } });
}
