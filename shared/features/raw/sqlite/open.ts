// Opens the SQLite state's file: WAL, the events table and its indexes, and the columns later versions added.
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';

export function openEvents(path: string): Database.Database {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.pragma('busy_timeout = 10000');
  db.exec(`CREATE TABLE IF NOT EXISTS events (seq INTEGER PRIMARY KEY, kind TEXT NOT NULL, entity TEXT NOT NULL, tx_id TEXT NOT NULL,
    t REAL NOT NULL, amount_cents INTEGER NOT NULL, label INTEGER);
    CREATE INDEX IF NOT EXISTS events_entity ON events (kind, entity, t);
    CREATE INDEX IF NOT EXISTS events_tx ON events (tx_id);
    CREATE INDEX IF NOT EXISTS events_t ON events (t);`);
  // Spec v2's "used this terminal before": customer rows keep their terminal (rows of an older file have none).
  if (!(db.pragma('table_info(events)') as Array<{ name: string }>).some((c) => c.name === 'peer'))
    db.exec('ALTER TABLE events ADD COLUMN peer TEXT');
  return db;
}
