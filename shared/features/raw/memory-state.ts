// Feature state in memory, pruned to the longest window: for offline feature building over a sorted history.
import { STATE_KEEP_SECONDS as KEEP_SECONDS } from './spec.ts';
import type { FeatureState, TxEvent } from './state-port.ts';

export class MemoryFeatureState implements FeatureState {
  private readonly customers = new Map<string, TxEvent[]>();
  private readonly terminals = new Map<string, TxEvent[]>();
  private readonly byTx = new Map<string, { customer: string; terminal: string }>();
  private latest = 0;

  async customerEvents(id: string, after: number): Promise<TxEvent[]> {
    return (this.customers.get(id) ?? []).filter((e) => e.t > after);
  }

  async terminalEvents(id: string, after: number, upTo: number): Promise<TxEvent[]> {
    return (this.terminals.get(id) ?? []).filter((e) => e.t > after && e.t <= upTo);
  }

  async append(customer: string, terminal: string, event: TxEvent): Promise<void> {
    if (this.byTx.has(event.txId)) return; // a redelivered transaction is recorded once
    for (const [map, key] of [
      [this.customers, customer],
      [this.terminals, terminal],
    ] as const) {
      let list = map.get(key);
      if (!list) map.set(key, (list = []));
      list.push(event);
      // Drop what no window can reach again (histories arrive in time order).
      if (list.length > 64 && list[0]!.t < event.t - KEEP_SECONDS)
        map.set(
          key,
          list.filter((e) => e.t >= event.t - KEEP_SECONDS),
        );
    }
    this.byTx.set(event.txId, { customer, terminal });
    this.latest = Math.max(this.latest, event.t);
  }

  async setLabel(txId: string, label: 0 | 1): Promise<void> {
    const where = this.byTx.get(txId);
    if (!where) return;
    for (const [map, key] of [
      [this.customers, where.customer],
      [this.terminals, where.terminal],
    ] as const) {
      const list = map.get(key) ?? [];
      const i = list.findIndex((e) => e.txId === txId);
      if (i >= 0) list[i] = { ...list[i]!, label };
    }
  }

  async close(): Promise<void> {}
}
