// The embedded log's SQLite index: its tables, and every statement the log runs, prepared once per connection.
import type Database from 'better-sqlite3';

export const SCHEMA = `
CREATE TABLE IF NOT EXISTS topics (name TEXT PRIMARY KEY, partitions INTEGER NOT NULL, retention_ms INTEGER, created_at INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS partitions (id INTEGER PRIMARY KEY, topic TEXT NOT NULL, partition INTEGER NOT NULL,
  next_offset INTEGER NOT NULL DEFAULT 0, low_offset INTEGER NOT NULL DEFAULT 0, end_pos INTEGER NOT NULL DEFAULT 0, UNIQUE (topic, partition));
CREATE TABLE IF NOT EXISTS segment_batches (rid INTEGER PRIMARY KEY, count INTEGER NOT NULL, ts INTEGER NOT NULL, pos INTEGER NOT NULL, len INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS group_offsets (grp TEXT NOT NULL, topic TEXT NOT NULL, partition INTEGER NOT NULL,
  next_offset INTEGER NOT NULL, updated_at INTEGER NOT NULL, PRIMARY KEY (grp, topic, partition));
CREATE TABLE IF NOT EXISTS group_leases (grp TEXT NOT NULL, topic TEXT NOT NULL, partition INTEGER NOT NULL,
  owner TEXT NOT NULL, expires_at INTEGER NOT NULL, PRIMARY KEY (grp, topic, partition));
`;

export interface PartitionRow {
  id: number;
  partition: number;
  next_offset: number;
  low_offset: number;
}
export interface BatchRow {
  rid: number;
  count: number;
  ts: number;
  pos: number;
  len: number;
}

export function prepareStatements(db: Database.Database) {
  return {
    topic: db.prepare<[string], { name: string; partitions: number }>(
      'SELECT name, partitions FROM topics WHERE name = ?',
    ),
    topics: db.prepare<[], { name: string }>('SELECT name FROM topics ORDER BY name'),
    insertTopic: db.prepare(
      'INSERT OR IGNORE INTO topics (name, partitions, retention_ms, created_at) VALUES (?, ?, ?, ?)',
    ),
    insertPartition: db.prepare('INSERT OR IGNORE INTO partitions (topic, partition) VALUES (?, ?)'),
    partitions: db.prepare<[string], PartitionRow>(
      'SELECT id, partition, next_offset, low_offset FROM partitions WHERE topic = ? ORDER BY partition',
    ),
    nextOffset: db.prepare<[number], { next_offset: number; end_pos: number }>(
      'SELECT next_offset, end_pos FROM partitions WHERE id = ?',
    ),
    setNextOffset: db.prepare('UPDATE partitions SET next_offset = ?, end_pos = ? WHERE id = ?'),
    insertBatch: db.prepare('INSERT INTO segment_batches (rid, count, ts, pos, len) VALUES (?, ?, ?, ?, ?)'),
    batchAt: db.prepare<[number, number], BatchRow>(
      'SELECT rid, count, ts, pos, len FROM segment_batches WHERE rid <= ? AND rid >= ? ORDER BY rid DESC LIMIT 1',
    ),
    batchesFrom: db.prepare<[number, number, number], BatchRow>(
      'SELECT rid, count, ts, pos, len FROM segment_batches WHERE rid >= ? AND rid < ? ORDER BY rid LIMIT ?',
    ),
    committed: db.prepare<[string, string], { partition: number; next_offset: number }>(
      'SELECT partition, next_offset FROM group_offsets WHERE grp = ? AND topic = ? ORDER BY partition',
    ),
    commit:
      db.prepare(`INSERT INTO group_offsets (grp, topic, partition, next_offset, updated_at) VALUES (?, ?, ?, ?, ?)
    ON CONFLICT (grp, topic, partition) DO UPDATE SET next_offset = excluded.next_offset, updated_at = excluded.updated_at`),
    lease: db.prepare<[string, string, number], { owner: string; expires_at: number }>(
      'SELECT owner, expires_at FROM group_leases WHERE grp = ? AND topic = ? AND partition = ?',
    ),
    takeLease: db.prepare(`INSERT INTO group_leases (grp, topic, partition, owner, expires_at) VALUES (?, ?, ?, ?, ?)
    ON CONFLICT (grp, topic, partition) DO UPDATE SET owner = excluded.owner, expires_at = excluded.expires_at`),
    releaseLease: db.prepare('DELETE FROM group_leases WHERE grp = ? AND topic = ? AND owner = ?'),
  };
}

export type Statements = ReturnType<typeof prepareStatements>;
