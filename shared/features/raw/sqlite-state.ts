// Feature state in SQLite (the embedded online store): events per entity, indexed by entity and time, in insertion order.
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import type { FeatureState, TxEvent } from './state-port.ts';
import { STATE_KEEP_SECONDS } from './spec.ts';

export interface SqliteFeatureStateOptions {
  /** Events older than this behind the newest one are deleted (no window reaches them). */
  readonly keepSeconds?: number;
  /** Prune after every this many appends. */
  readonly pruneEvery?: number;
}

interface Row {
  tx_id: string;
  t: number;
  amount_cents: number;
  label: number | null;
}

export class SqliteFeatureState implements FeatureState {
  private readonly db: Database.Database;
  private readonly stmts;

  private latest: number;
  private appends = 0;
  private readonly keepSeconds: number;
  private readonly pruneEvery: number;

  constructor(path: string, options: SqliteFeatureStateOptions = {}) {
    this.keepSeconds = options.keepSeconds ?? STATE_KEEP_SECONDS;
    this.pruneEvery = options.pruneEvery ?? 10_000;
    if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
    this.db = new Database(path);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('busy_timeout = 10000');
    this.db
      .exec(`CREATE TABLE IF NOT EXISTS events (seq INTEGER PRIMARY KEY, kind TEXT NOT NULL, entity TEXT NOT NULL, tx_id TEXT NOT NULL,
      t REAL NOT NULL, amount_cents INTEGER NOT NULL, label INTEGER);
      CREATE INDEX IF NOT EXISTS events_entity ON events (kind, entity, t);
      CREATE INDEX IF NOT EXISTS events_tx ON events (tx_id);
      CREATE INDEX IF NOT EXISTS events_t ON events (t);`);
    this.stmts = {
      since: this.db.prepare<[string, string, number], Row>(
        'SELECT tx_id, t, amount_cents, label FROM events WHERE kind = ? AND entity = ? AND t > ? ORDER BY seq',
      ),
      between: this.db.prepare<[string, string, number, number], Row>(
        'SELECT tx_id, t, amount_cents, label FROM events WHERE kind = ? AND entity = ? AND t > ? AND t <= ? ORDER BY seq',
      ),
      // A redelivered or re-scored transaction is recorded once (events_tx makes the check an index lookup).
      insert: this.db.prepare<
        [{ kind: string; entity: string; tx: string; t: number; cents: number; label: number | null }]
      >(
        `INSERT INTO events (kind, entity, tx_id, t, amount_cents, label) SELECT @kind, @entity, @tx, @t, @cents, @label
        WHERE NOT EXISTS (SELECT 1 FROM events WHERE tx_id = @tx AND kind = @kind)`,
      ),
      label: this.db.prepare('UPDATE events SET label = ? WHERE tx_id = ?'),
      prune: this.db.prepare<[number]>('DELETE FROM events WHERE t < ?'),
    };
    this.latest = (this.db.prepare('SELECT max(t) AS t FROM events').get() as { t: number | null }).t ?? 0;
  }

  /** Deletes what no window can reach any more; returns how many events (customer and terminal sides) went. */
  prune(): number {
    return Number(this.stmts.prune.run(this.latest - this.keepSeconds).changes);
  }

  async customerEvents(id: string, after: number): Promise<TxEvent[]> {
    return this.stmts.since.all('c', id, after).map(toEvent);
  }

  async terminalEvents(id: string, after: number, upTo: number): Promise<TxEvent[]> {
    return this.stmts.between.all('t', id, after, upTo).map(toEvent);
  }

  async append(customer: string, terminal: string, e: TxEvent): Promise<void> {
    this.db.transaction(() => {
      const row = { tx: e.txId, t: e.t, cents: e.amountCents, label: e.label };
      this.stmts.insert.run({ kind: 'c', entity: customer, ...row });
      this.stmts.insert.run({ kind: 't', entity: terminal, ...row });
    })();
    this.latest = Math.max(this.latest, e.t);
    // The online state stays the size of its windows, however long the stream runs.
    if (++this.appends % this.pruneEvery === 0) this.prune();
  }

  async setLabel(txId: string, label: 0 | 1): Promise<void> {
    this.stmts.label.run(label, txId);
  }

  async close(): Promise<void> {
    this.db.close();
  }
}

function toEvent(r: Row): TxEvent {
  return { txId: r.tx_id, t: r.t, amountCents: r.amount_cents, label: r.label === null ? null : (r.label as 0 | 1) };
}
