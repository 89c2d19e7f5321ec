// The warehouse port: tables generated from the wire schemas, idempotent appends by message id, SQL queries streamed back.
import type { SqlDialect } from './dialect.ts';
import type { TableName } from './tables.ts';

/** One row by column name (case as in the table definition); absent or undefined means NULL. */
export type Row = Record<string, unknown>;

export interface AppendResult {
  readonly table: TableName;
  readonly received: number;
  /** Rows whose id was not in the table yet. */
  readonly inserted: number;
  /** Rows skipped because their id was already there (a re-run, or a producer's retry). */
  readonly duplicates: number;
}

export interface Warehouse {
  readonly kind: string;
  /** How this warehouse spells what SQL dialects disagree on (retrain and report write their queries through it). */
  readonly dialect: SqlDialect;
  /** Creates every table if absent. */
  ensureTables(): Promise<void>;
  /** Appends in one transaction; ids already present are skipped, so appending the same rows twice changes nothing. */
  append(table: TableName, rows: readonly Row[]): Promise<AppendResult>;
  /**
   * Appends envelopes given as their JSON text, already validated against the payload schema `schemaName`
   * (the sink's fast path); the adapter flattens them as `append` would. Same idempotence.
   */
  appendEnvelopes(table: TableName, schemaName: string, values: readonly Uint8Array[]): Promise<AppendResult>;
  /** Runs SQL and streams the rows back, in pages. */
  query(sql: string): AsyncIterable<Row[]>;
  close(): Promise<void>;
  /** Runs `work` under this memory limit of the engine (DuckDB's), then restores the previous; absent where none applies. */
  withMemoryLimit?<T>(limit: string, work: () => Promise<T>): Promise<T>;
}

export async function queryAll(w: Warehouse, sql: string): Promise<Row[]> {
  const out: Row[] = [];
  for await (const page of w.query(sql)) out.push(...page);
  return out;
}
