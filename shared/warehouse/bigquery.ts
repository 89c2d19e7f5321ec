// The warehouse on BigQuery: dataset and tables from the generated schema (day-partitioned, clustered), insertAll with insert ids, queries as jobs.
import { BigQuery, type TableField } from '@google-cloud/bigquery';
import type { GoogleAuth } from 'google-auth-library';
import { wrapError } from '../errors.ts';
import type { AnyEnvelope } from '../schema/registry.ts';
import { flatten } from './flatten.ts';
import type { AppendResult, Row, Warehouse } from './port.ts';
import { TABLES, type ColumnType, type TableDef, type TableName } from './tables.ts';

const BQ_TYPE: Record<ColumnType, string> = { DOUBLE: 'FLOAT64', BIGINT: 'INT64', VARCHAR: 'STRING', TIMESTAMP: 'TIMESTAMP', BOOLEAN: 'BOOL', JSON: 'JSON' };
/** tabledata.insertAll takes up to 50,000 rows and about 10 MB per request. */
const INSERT_CHUNK = 2_000;

export interface BigQueryOptions {
  readonly projectId: string;
  readonly dataset: string;
  readonly location: string;
  /** For tests and emulators: a local server speaking the BigQuery REST API. */
  readonly apiEndpoint?: string;
  readonly authClient?: GoogleAuth;
}

/** The BigQuery table schema of a table definition: the one generated from the zod schemas. */
export function bigQuerySchema(def: TableDef): TableField[] {
  return def.columns.map((c) => ({ name: c.name, type: BQ_TYPE[c.type], mode: c.nullable ? 'NULLABLE' : 'REQUIRED', ...(c.description ? { description: c.description } : {}) }));
}

/** The tables.insert body for a table definition. */
export function bigQueryTableResource(def: TableDef): Record<string, unknown> {
  return {
    schema: { fields: bigQuerySchema(def) },
    timePartitioning: { type: 'DAY', field: def.partitionBy },
    clustering: { fields: def.clusterBy.filter((f) => def.columns.some((c) => c.name === f)).slice(0, 4) },
    description: `fraudflow ${def.name}, generated from the zod wire schemas; unique by ${def.idColumn}`,
  };
}

export class BigQueryWarehouse implements Warehouse {
  readonly kind = 'bigquery';
  private readonly bq: BigQuery;

  constructor(private readonly options: BigQueryOptions) {
    this.bq = new BigQuery({
      projectId: options.projectId, location: options.location,
      ...(options.apiEndpoint ? { apiEndpoint: options.apiEndpoint } : {}),
      ...(options.authClient ? { authClient: options.authClient as never } : {}),
    });
  }

  async ensureTables(): Promise<void> {
    const dataset = this.bq.dataset(this.options.dataset, { location: this.options.location });
    try {
      const [exists] = await dataset.exists();
      if (!exists) await dataset.create({ location: this.options.location });
      for (const def of Object.values(TABLES)) {
        const table = dataset.table(def.name);
        const [has] = await table.exists();
        if (!has) await table.create(bigQueryTableResource(def));
        // insertAll's insert ids dedupe retries for about a minute only: readers use the `<table>_unique` view.
        const view = dataset.table(`${def.name}_unique`);
        const [hasView] = await view.exists();
        if (!hasView) {
          await view.create({ view: { query: uniqueViewSql(this.options.projectId, this.options.dataset, def), useLegacySql: false } });
        }
      }
    } catch (e) {
      throw wrapError(e, 'WAREHOUSE_FAILED', `bigquery: cannot create dataset ${this.options.dataset} and its tables`, { dataset: this.options.dataset });
    }
  }

  async append(table: TableName, rows: readonly Row[]): Promise<AppendResult> {
    const def = TABLES[table];
    const target = this.bq.dataset(this.options.dataset).table(table);
    try {
      for (let i = 0; i < rows.length; i += INSERT_CHUNK) {
        const chunk = rows.slice(i, i + INSERT_CHUNK).map((r) => ({ insertId: String(r[def.idColumn]), json: toBigQueryRow(def, r) }));
        await target.insert(chunk, { raw: true, skipInvalidRows: false, ignoreUnknownValues: false });
      }
    } catch (e) {
      const errors = (e as { errors?: unknown[] }).errors;
      throw wrapError(e, 'WAREHOUSE_FAILED', `bigquery: insert of ${rows.length} rows into ${table} failed`, { table, errors: errors?.slice(0, 5) });
    }
    // BigQuery does not say which insert ids it dropped: duplicates are resolved by the _unique views.
    return { table, received: rows.length, inserted: rows.length, duplicates: 0 };
  }

  async appendEnvelopes(table: TableName, _schemaName: string, values: readonly Uint8Array[]): Promise<AppendResult> {
    // The rows travel as JSON to BigQuery anyway: flatten each envelope here.
    const rows = values.map((v) => flatten(table, JSON.parse(Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('utf8')) as AnyEnvelope));
    return this.append(table, rows);
  }

  async *query(sql: string): AsyncIterable<Row[]> {
    let job;
    try {
      [job] = await this.bq.createQueryJob({ query: sql, location: this.options.location, defaultDataset: { projectId: this.options.projectId, datasetId: this.options.dataset } });
    } catch (e) {
      throw wrapError(e, 'INPUT_INVALID', `bigquery: query failed: ${(e as Error).message}`, { sql });
    }
    let pageToken: string | undefined;
    do {
      const [rows, next] = await job.getQueryResults({ autoPaginate: false, maxResults: 10_000, ...(pageToken ? { pageToken } : {}) });
      yield rows as Row[];
      pageToken = (next as { pageToken?: string } | null)?.pageToken;
    } while (pageToken);
  }

  async close(): Promise<void> {
    // The client holds no connections that need closing.
  }
}

function toBigQueryRow(def: TableDef, row: Row): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const c of def.columns) {
    const v = row[c.name];
    if (v === undefined || v === null) continue;
    out[c.name] = c.type === 'JSON' && typeof v !== 'string' ? JSON.stringify(v) : v;
  }
  return out;
}

export function uniqueViewSql(project: string, dataset: string, def: TableDef): string {
  return `SELECT * EXCEPT (_n) FROM (SELECT *, ROW_NUMBER() OVER (PARTITION BY ${def.idColumn} ORDER BY ${def.partitionBy}) AS _n FROM \`${project}.${dataset}.${def.name}\`) WHERE _n = 1`;
}
