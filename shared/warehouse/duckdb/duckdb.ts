// The warehouse as a DuckDB file: columnar appends into a staging table, then an INSERT deduped by id, in one transaction.
import { DUCKDB_DIALECT } from '../dialect.ts';
import { mkdirSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { randomUUID } from 'node:crypto';
import type { z } from 'zod';
import { PAYLOAD_SCHEMAS } from '../../schema/registry.ts';
import {
  BOOLEAN,
  DOUBLE,
  VARCHAR,
  DuckDBDataChunk,
  DuckDBInstance,
  StatementType,
  type DuckDBConnection,
  type DuckDBType,
} from '@duckdb/node-api';
import { FraudflowError, wrapError } from '../../errors.ts';
import type { AppendResult, Row, Warehouse } from '../port.ts';
import { TABLES, type ColumnType, type TableDef, type TableName } from '../tables.ts';
import { envelopeInsertSql, quoteIdent, SQL_TYPE, writeLines } from './envelope-sql.ts';
import { KnownIds } from './known-ids.ts';
import { envelopePrefixOf, prefixOf } from './id-set.ts';

/** Staging holds what JS can hand over without conversion; the INSERT casts. */
const STAGE_TYPE: Record<ColumnType, DuckDBType> = {
  DOUBLE,
  BIGINT: DOUBLE,
  VARCHAR,
  TIMESTAMP: VARCHAR,
  BOOLEAN,
  JSON: VARCHAR,
};
const CHUNK = 2048;

export { quoteIdent };

export class DuckDbWarehouse implements Warehouse {
  readonly kind = 'duckdb';
  readonly dialect = DUCKDB_DIALECT;
  /** The ids of each table, so a batch of new ids needs no anti-join (a scan of the whole id column, growing with history). */
  private readonly known: KnownIds;
  private constructor(
    private readonly instance: DuckDBInstance,
    private readonly db: DuckDBConnection,
    private readonly path: string,
    /** The memory limit in force, as set (undefined: DuckDB's default). */
    private memoryLimit: string | undefined,
  ) {
    this.known = new KnownIds(db);
  }

  /**
   * `memoryLimit` (DuckDB's spelling, e.g. 192MB): its buffer manager's bound, past which sorts, joins and aggregates
   * spill to `<file>.tmp` beside the file; unset: DuckDB's default, 80% of RAM.
   */
  static async open(
    path: string,
    options: { readOnly?: boolean; memoryLimit?: string } = {},
  ): Promise<DuckDbWarehouse> {
    if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
    try {
      const instance = await DuckDBInstance.create(path, {
        ...(options.readOnly ? { access_mode: 'READ_ONLY' } : {}),
        ...(options.memoryLimit ? { memory_limit: options.memoryLimit } : {}),
      });
      const db = await instance.connect();
      await db.run(`SET TimeZone = 'UTC'`);
      // Checkpoint (compress into the file) every few sink batches, not after each: the WAL keeps commits durable.
      // Until a checkpoint the appended rows also stay in memory, uncompressed (duckdb_memory()'s IN_MEMORY_TABLE):
      // with a 1 GB threshold that grew with the input (151 MB after 300k Kaggle rows); 64 MB keeps it flat.
      if (!options.readOnly) await db.run(`SET checkpoint_threshold = '64MB'`);
      // Holding the write lock, no other sink is using the batch files: any left are a killed sink's.
      if (!options.readOnly && path !== ':memory:') removeLeftoverBatches(join(dirname(path), 'tmp'));
      return new DuckDbWarehouse(instance, db, path, options.memoryLimit);
    } catch (e) {
      // DuckDB lets one process at a time open a file for writing: another sink, sql or dev has it.
      if (/could not set lock/i.test(String((e as Error).message))) {
        throw wrapError(
          e,
          'WAREHOUSE_BUSY',
          `the DuckDB warehouse ${path} is open in another process (one at a time); retry when it is done`,
          { path },
        );
      }
      throw wrapError(e, 'WAREHOUSE_FAILED', `cannot open the DuckDB warehouse ${path}`, { path });
    }
  }

  async ensureTables(): Promise<void> {
    for (const t of Object.values(TABLES)) {
      const cols = t.columns.map((c) => `${quoteIdent(c.name)} ${SQL_TYPE[c.type]}${c.nullable ? '' : ' NOT NULL'}`);
      // No PRIMARY KEY: its ART index was slower than the anti-join per 7,000-row batch (1.5 s at 3M rows) and held
      // 50-70 bytes an id in memory; the adapter's in-memory id set (16-32 bytes an id) dedupes instead.
      await this.run(`CREATE TABLE IF NOT EXISTS ${t.name} (${cols.join(', ')})`, t.name);
      // A warehouse made by an older version gains the nullable columns added since (old rows read NULL there).
      for (const c of t.columns.filter((c) => c.nullable))
        await this.run(
          `ALTER TABLE ${t.name} ADD COLUMN IF NOT EXISTS ${quoteIdent(c.name)} ${SQL_TYPE[c.type]}`,
          t.name,
        );
    }
  }

  async append(table: TableName, rows: readonly Row[]): Promise<AppendResult> {
    const def = TABLES[table];
    if (rows.length === 0) return { table, received: 0, inserted: 0, duplicates: 0 };
    const stage = `stage_${table}`;
    try {
      // A staging table per batch, dropped after it: rows DELETEd from a temp table keep their memory (DuckDB reclaims
      // a temp table's storage only when it is dropped), so one reused table grew with every row ever staged (1.5 GB of
      // the sink's peak on the Handbook's 1.75M raw transactions, spilled to <file>.tmp under a memory limit).
      await this.db.run(
        `CREATE OR REPLACE TEMP TABLE ${stage} (${def.columns.map((c) => `${quoteIdent(c.name)} ${STAGE_TYPE[c.type].toString()}`).join(', ')})`,
      );
      await this.db.run('BEGIN TRANSACTION');
      await this.stageRows(stage, def, rows);
      const select = def.columns
        .map((c) =>
          c.type === 'DOUBLE' || c.type === 'VARCHAR' || c.type === 'BOOLEAN' || c.type === 'JSON'
            ? quoteIdent(c.name)
            : `CAST(${quoteIdent(c.name)} AS ${SQL_TYPE[c.type]})`,
        )
        .join(', ');
      const id = quoteIdent(def.idColumn);
      const checked = await this.known.check(
        table,
        rows.map((r) => prefixOf(r[def.idColumn])),
      );
      const antiJoin = checked.fresh ? '' : ` WHERE NOT EXISTS (SELECT 1 FROM ${table} t WHERE t.${id} = s.${id})`;
      const result = await this.db.run(
        `INSERT INTO ${table} SELECT ${select} FROM (SELECT DISTINCT ON (${id}) * FROM ${stage}) s${antiJoin}`,
      );
      const inserted = Number(result.rowsChanged);
      await this.db.run('COMMIT');
      this.known.added(table, checked, inserted);
      return { table, received: rows.length, inserted, duplicates: rows.length - inserted };
    } catch (e) {
      await this.db.run('ROLLBACK').catch(() => undefined);
      throw wrapError(e, refusedCode(e), `duckdb: append of ${rows.length} rows to ${table} failed`, {
        table,
        path: this.path,
      });
    } finally {
      await this.db.run(`DROP TABLE IF EXISTS ${stage}`).catch(() => undefined);
    }
  }

  async appendEnvelopes(table: TableName, schemaName: string, values: readonly Uint8Array[]): Promise<AppendResult> {
    if (values.length === 0) return { table, received: 0, inserted: 0, duplicates: 0 };
    const known = PAYLOAD_SCHEMAS[schemaName];
    if (!known) throw new FraudflowError('WAREHOUSE_FAILED', `duckdb: unknown payload schema ${schemaName}`, { table });
    // DuckDB parses the JSON itself (C++, in parallel): the batch goes through a newline-delimited file.
    const dir = this.path === ':memory:' ? tmpdir() : join(dirname(this.path), 'tmp');
    mkdirSync(dir, { recursive: true });
    const file = join(dir, `sink-${randomUUID()}.ndjson`);
    writeLines(file, values);
    try {
      await this.db.run('BEGIN TRANSACTION');
      const checked = await this.known.check(table, values.map(envelopePrefixOf));
      const result = await this.db.run(envelopeInsertSql(table, known.schema as z.ZodObject, file, !checked.fresh));
      const inserted = Number(result.rowsChanged);
      await this.db.run('COMMIT');
      this.known.added(table, checked, inserted);
      return { table, received: values.length, inserted, duplicates: values.length - inserted };
    } catch (e) {
      await this.db.run('ROLLBACK').catch(() => undefined);
      if (refusedCode(e) === 'WAREHOUSE_REJECTED') {
        // The reader's message names the batch file; the reason is what matters (and the file is gone next line).
        const reason = firstLine((e as Error).message).replace(/ in file "[^"]*"/, '');
        throw new FraudflowError(
          'WAREHOUSE_REJECTED',
          `duckdb: ${values.length} envelopes refused by ${table}: ${reason}`,
          { table },
          { cause: e },
        );
      }
      throw wrapError(e, 'WAREHOUSE_FAILED', `duckdb: bulk append of ${values.length} envelopes to ${table} failed`, {
        table,
        path: this.path,
      });
    } finally {
      rmSync(file, { force: true });
    }
  }

  async *query(sql: string): AsyncIterable<Row[]> {
    let result;
    try {
      result = await this.db.stream(sql);
    } catch (e) {
      this.known.forget();
      throw wrapError(e, 'INPUT_INVALID', `duckdb: ${firstLine((e as Error).message)}`, { sql });
    }
    // SQL that may have written (anything but one SELECT) leaves the id sets unsure: they are rebuilt at the next append.
    if (result.statementType !== StatementType.SELECT || /;\s*\S/.test(sql)) this.known.forget();
    for await (const page of result.yieldRowObjectJs()) yield page as Row[];
  }

  /**
   * Runs `work` with DuckDB's memory limit at `limit` (the sink's own bound), then puts the previous limit back. The limit
   * is the instance's: work of another function in the same process meanwhile (the dev server) runs under it too.
   */
  async withMemoryLimit<T>(limit: string, work: () => Promise<T>): Promise<T> {
    // Restored from the text it was set with (DuckDB reads a limit back rounded: 1GB as 953.6 MiB, which sets 953.5).
    const previous = this.memoryLimit;
    await this.db.run(`SET memory_limit = ${sqlString(limit)}`);
    this.memoryLimit = limit;
    try {
      return await work();
    } finally {
      await this.db.run(previous === undefined ? 'RESET memory_limit' : `SET memory_limit = ${sqlString(previous)}`);
      this.memoryLimit = previous;
    }
  }

  async close(): Promise<void> {
    this.db.closeSync();
    this.instance.closeSync();
  }

  private async stageRows(stage: string, def: TableDef, rows: readonly Row[]): Promise<void> {
    const appender = await this.db.createAppender(stage);
    const types = def.columns.map((c) => STAGE_TYPE[c.type]);
    for (let start = 0; start < rows.length; start += CHUNK) {
      const slice = rows.slice(start, start + CHUNK);
      const columns = def.columns.map((c) => slice.map((r) => stageValue(r[c.name], c.type, c.name)));
      const chunk = DuckDBDataChunk.create(types, slice.length);
      chunk.setColumns(columns);
      appender.appendDataChunk(chunk);
    }
    appender.flushSync();
    appender.closeSync();
  }

  private async run(sql: string, table: string): Promise<void> {
    try {
      await this.db.run(sql);
    } catch (e) {
      throw wrapError(e, 'WAREHOUSE_FAILED', `duckdb: ${firstLine((e as Error).message)}`, { table, sql });
    }
  }
}

function stageValue(v: unknown, type: ColumnType, column: string): number | string | boolean | null {
  if (v === undefined || v === null) return null;
  switch (type) {
    case 'DOUBLE':
    case 'BIGINT':
      if (typeof v !== 'number')
        throw new FraudflowError('WAREHOUSE_REJECTED', `column ${column}: expected a number`, { column });
      return v;
    case 'BOOLEAN':
      return Boolean(v);
    case 'JSON':
      return typeof v === 'string' ? v : JSON.stringify(v);
    default:
      return String(v);
  }
}

/** Errors about the data itself (DuckDB's "Invalid Input", "Conversion", "Constraint" errors): the same rows fail again. */
function refusedCode(e: unknown): 'WAREHOUSE_REJECTED' | 'WAREHOUSE_FAILED' {
  if (e instanceof FraudflowError) return e.code === 'WAREHOUSE_REJECTED' ? e.code : 'WAREHOUSE_FAILED';
  return /^(Invalid Input|Conversion|Constraint) Error/.test(String((e as Error)?.message))
    ? 'WAREHOUSE_REJECTED'
    : 'WAREHOUSE_FAILED';
}

/** Removes batch files a sink killed mid-batch left behind (each as large as a batch). */
function removeLeftoverBatches(dir: string): void {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return;
  }
  for (const name of names) if (/^sink-[0-9a-f-]{36}\.ndjson$/.test(name)) rmSync(join(dir, name), { force: true });
}

const sqlString = (s: string): string => `'${s.replace(/'/g, "''")}'`;

function firstLine(s: string): string {
  return s.split('\n')[0]!;
}
