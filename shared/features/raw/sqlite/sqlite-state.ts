// Feature state in SQLite (the embedded online store): events per entity, indexed by entity and time; windows summed in SQL.
import type Database from 'better-sqlite3';
import type { FeatureState, FeatureWindows, RetentionOptions, TxEvent, WindowsQuery } from '../port.ts';
import { WINDOWS_DAYS } from '../spec.ts';
import { customerEdges, FUTURE_SLACK_MS, retention, terminalEdges, toMs } from '../windows.ts';
import { openEvents } from './open.ts';
import { EXTRA_CUSTOMER_SQL, EXTRA_TERMINAL_SQL, extraOf, extraParams, type ExtraRows } from './extra-sql.ts';

type Sums = Record<string, number>;
const W = WINDOWS_DAYS.map((_, i) => i);
const LAST = W.length - 1; // the longest window: its lower edge bounds the index range scanned

// Times are stored as ms / 1000 and compared with edges as ms / 1000: with ms apart by >= 1 the doubles keep their order.
const CUSTOMER_SQL = `SELECT ${W.map(
  (i) =>
    `coalesce(sum(t > @lo${i}), 0) AS n${i}, coalesce(sum(CASE WHEN t > @lo${i} THEN amount_cents END), 0) AS c${i}`,
).join(', ')} FROM events WHERE kind = 'c' AND entity = @id AND t > @lo${LAST} AND t <= @hi AND tx_id != @tx`;
const TERMINAL_SQL = `SELECT ${W.map(
  (i) => `coalesce(sum(t > @lo${i}), 0) AS n${i}, coalesce(sum(t > @lo${i} AND label = 1), 0) AS f${i}`,
).join(', ')} FROM events WHERE kind = 't' AND entity = @id AND t > @lo${LAST} AND t <= @hi`;

export class SqliteFeatureState implements FeatureState {
  private readonly db: Database.Database;
  private readonly stmts;
  private readonly keepMs: number;
  private readonly nowMs: () => number;
  private readonly appendTx: Database.Transaction<(customer: string, terminal: string, e: TxEvent) => void>;
  private readonly windowsThenAppendTx: Database.Transaction<
    (customer: string, terminal: string, e: TxEvent, extra: boolean) => FeatureWindows
  >;

  constructor(path: string, options: RetentionOptions = {}) {
    ({ keepMs: this.keepMs, nowMs: this.nowMs } = retention(options));
    this.db = openEvents(path);
    this.stmts = {
      customer: this.db.prepare<[Record<string, string | number>], Sums>(CUSTOMER_SQL),
      terminal: this.db.prepare<[Record<string, string | number>], Sums>(TERMINAL_SQL),
      // A redelivered or re-scored transaction is recorded once (events_tx makes the check an index lookup).
      insert: this.db.prepare<
        [
          {
            kind: string;
            entity: string;
            tx: string;
            t: number;
            cents: number;
            label: number | null;
            peer: string | null;
          },
        ]
      >(
        `INSERT INTO events (kind, entity, tx_id, t, amount_cents, label, peer) SELECT @kind, @entity, @tx, @t, @cents, @label, @peer
        WHERE NOT EXISTS (SELECT 1 FROM events WHERE tx_id = @tx AND kind = @kind)`,
      ),
      extraCustomer: this.db.prepare<[Record<string, string | number>], ExtraRows['customer']>(EXTRA_CUSTOMER_SQL),
      extraTerminal: this.db.prepare<[Record<string, string | number>], ExtraRows['terminal']>(EXTRA_TERMINAL_SQL),
      label: this.db.prepare('UPDATE events SET label = ? WHERE tx_id = ?'),
      newest: this.db.prepare<[string, string, number], { t: number | null }>(
        'SELECT max(t) AS t FROM events WHERE kind = ? AND entity = ? AND t <= ?',
      ),
      prune: this.db.prepare<[string, string, number]>('DELETE FROM events WHERE kind = ? AND entity = ? AND t < ?'),
      kept: this.db.prepare<[string, string], { n: number }>(
        'SELECT count(*) AS n FROM events WHERE kind = ? AND entity = ?',
      ),
    };
    this.appendTx = this.db.transaction((customer: string, terminal: string, e: TxEvent) => {
      const row = { tx: e.txId, t: toMs(e.t) / 1000, cents: e.amountCents, label: e.label };
      const fresh = this.stmts.insert.run({ kind: 'c', entity: customer, ...row, peer: terminal }).changes > 0;
      this.stmts.insert.run({ kind: 't', entity: terminal, ...row, peer: null });
      if (fresh)
        for (const [kind, id] of [
          ['c', customer],
          ['t', terminal],
        ] as const)
          this.prune(kind, id);
    });
    this.windowsThenAppendTx = this.db.transaction((customer: string, terminal: string, e: TxEvent, extra: boolean) => {
      const w = this.windowsNow({ customerId: customer, terminalId: terminal, txId: e.txId, t: e.t, extra });
      this.appendTx(customer, terminal, e);
      return w;
    });
  }

  /** Drops the entity's events that no window reaches, behind its newest event that is not in the future. */
  private prune(kind: 'c' | 't', id: string): void {
    if (!Number.isFinite(this.keepMs)) return;
    const newest = this.stmts.newest.get(kind, id, (this.nowMs() + FUTURE_SLACK_MS) / 1000)?.t;
    if (newest != null) this.stmts.prune.run(kind, id, (toMs(newest) - this.keepMs) / 1000);
  }

  private windowsNow(q: WindowsQuery): FeatureWindows {
    const edges = (list: Array<readonly [number, number]>) => ({
      hi: list[0]![1] / 1000,
      ...Object.fromEntries(list.map(([lo], i) => [`lo${i}`, lo / 1000])),
    });
    const tMs = toMs(q.t);
    const c = this.stmts.customer.get({ id: q.customerId, tx: q.txId, ...edges(customerEdges(tMs)) })!;
    const t = this.stmts.terminal.get({ id: q.terminalId, ...edges(terminalEdges(tMs)) })!;
    const w = {
      customer: W.map((i) => ({ count: c[`n${i}`]!, cents: c[`c${i}`]! })),
      terminal: W.map((i) => ({ count: t[`n${i}`]!, frauds: t[`f${i}`]! })),
    };
    if (!q.extra) return w;
    const p = extraParams(q, tMs);
    return { ...w, extra: extraOf(this.stmts.extraCustomer.get(p)!, this.stmts.extraTerminal.get(p)!) };
  }

  async windows(q: WindowsQuery): Promise<FeatureWindows> {
    return this.windowsNow(q);
  }

  async windowsThenAppend(customer: string, terminal: string, e: TxEvent, extra = false): Promise<FeatureWindows> {
    // IMMEDIATE: the write lock is taken before the read, so another process cannot record in between.
    return this.windowsThenAppendTx.immediate(customer, terminal, e, extra);
  }

  async append(customer: string, terminal: string, e: TxEvent): Promise<void> {
    this.appendTx.immediate(customer, terminal, e);
  }

  async setLabel(txId: string, label: 0 | 1): Promise<void> {
    this.stmts.label.run(label, txId);
  }

  async keptEvents(kind: 'customer' | 'terminal', id: string): Promise<number> {
    return this.stmts.kept.get(kind === 'customer' ? 'c' : 't', id)!.n;
  }

  async close(): Promise<void> {
    this.db.close();
  }
}
