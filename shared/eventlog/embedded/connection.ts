// Opens one connection to the embedded log's SQLite index (WAL, the configured sync level, the schema in place).
import Database from 'better-sqlite3';
import { SCHEMA } from './statements.ts';

export interface ConnectionOptions {
  readonly path: string;
  readonly synchronous: 'FULL' | 'NORMAL';
  readonly busyTimeoutMs: number;
}

export function openIndex(options: ConnectionOptions): Database.Database {
  const db = new Database(options.path);
  db.pragma(`busy_timeout = ${options.busyTimeoutMs}`);
  db.pragma('journal_mode = WAL');
  db.pragma(`synchronous = ${options.synchronous}`);
  db.exec(SCHEMA);
  return db;
}
