// Feature state in memory: for offline feature building over a sorted history; each entity pruned by its own time.
import type { FeatureState, FeatureWindows, RetentionOptions, TxEvent, WindowsQuery } from './port.ts';
import { aggregateMs, FUTURE_SLACK_MS, msEvent, retention, toMs, type MsEvent } from './windows.ts';
import { extraMs } from './extra.ts';

interface Entity {
  events: MsEvent[];
  /** The newest event time (ms) not in the future of the wall clock when it was appended: the retention horizon's base. */
  newestMs: number;
}

export class MemoryFeatureState implements FeatureState {
  private readonly customers = new Map<string, Entity>();
  private readonly terminals = new Map<string, Entity>();
  private readonly byTx = new Map<string, { customer: string; terminal: string }>();
  private readonly keepMs: number;
  private readonly nowMs: () => number;

  constructor(options: RetentionOptions = {}) {
    ({ keepMs: this.keepMs, nowMs: this.nowMs } = retention(options));
  }

  async windows(q: WindowsQuery): Promise<FeatureWindows> {
    const tMs = toMs(q.t);
    const customer = this.customers.get(q.customerId)?.events ?? [];
    const terminal = this.terminals.get(q.terminalId)?.events ?? [];
    const w = aggregateMs(tMs, q.txId, customer, terminal);
    return q.extra ? { ...w, extra: extraMs(tMs, q.txId, q.terminalId, customer, terminal) } : w;
  }

  async windowsThenAppend(
    customerId: string,
    terminalId: string,
    event: TxEvent,
    extra = false,
  ): Promise<FeatureWindows> {
    const w = await this.windows({ customerId, terminalId, txId: event.txId, t: event.t, extra });
    await this.append(customerId, terminalId, event);
    return w;
  }

  async append(customer: string, terminal: string, event: TxEvent): Promise<void> {
    if (this.byTx.has(event.txId)) return; // a redelivered transaction is recorded once
    const rec = msEvent(event);
    const ms = rec.ms;
    const atTerminal: MsEvent = { ...rec, peer: terminal };
    const future = ms > this.nowMs() + FUTURE_SLACK_MS;
    for (const [map, key] of [
      [this.customers, customer],
      [this.terminals, terminal],
    ] as const) {
      let entity = map.get(key);
      if (!entity) map.set(key, (entity = { events: [], newestMs: -Infinity }));
      entity.events.push(map === this.customers ? atTerminal : rec);
      if (!future) entity.newestMs = Math.max(entity.newestMs, ms);
      // Drop what no window of this entity can reach again; never moved by an event dated in the future.
      const horizon = entity.newestMs - this.keepMs;
      if (entity.events.length > 64 && entity.events[0]!.ms < horizon)
        entity.events = entity.events.filter((e) => e.ms >= horizon);
    }
    this.byTx.set(event.txId, { customer, terminal });
  }

  async setLabel(txId: string, label: 0 | 1): Promise<void> {
    const where = this.byTx.get(txId);
    if (!where) return;
    for (const [map, key] of [
      [this.customers, where.customer],
      [this.terminals, where.terminal],
    ] as const) {
      const e = map.get(key)?.events.find((x) => x.txId === txId);
      if (e) e.label = label;
    }
  }

  async keptEvents(kind: 'customer' | 'terminal', id: string): Promise<number> {
    return ((kind === 'customer' ? this.customers : this.terminals).get(id)?.events ?? []).length;
  }

  async close(): Promise<void> {}
}
