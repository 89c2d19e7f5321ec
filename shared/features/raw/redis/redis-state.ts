// Feature state on Redis (Memorystore for Redis / Valkey in the cloud, redis-server locally): shared by every instance,
// each read and append one atomic Lua script over bounded per-entity aggregates (the layout: redis/scripts.ts).
import { wrapError } from '../../../errors.ts';
import { RECENT_DAYS, WINDOWS_DAYS } from '../spec.ts';
import type { FeatureState, FeatureWindows, RetentionOptions, TxEvent, WindowsQuery } from '../port.ts';
import { LABEL_LUA, RECORD_LUA } from './scripts.ts';
import type { RedisLink } from './link.ts';
import { retention, toMs } from '../windows.ts';

export interface RedisFeatureStateOptions extends RetentionOptions {
  /** Prefix of every key (several deployments or test runs can share one instance); default "ff:". */
  readonly namespace?: string;
}

export class RedisFeatureState implements FeatureState {
  private readonly ns: string;
  private readonly keepMs: number;
  private readonly nowMs: () => number;
  private readonly ttl: string;

  constructor(
    private readonly link: RedisLink,
    options: RedisFeatureStateOptions = {},
  ) {
    this.ns = options.namespace ?? 'ff:';
    ({ keepMs: this.keepMs, nowMs: this.nowMs } = retention(options));
    // Keys outlive their entity's last append by the retention plus a day of slack.
    this.ttl = Number.isFinite(this.keepMs) ? String(Math.ceil(this.keepMs / 1000) + 86_400) : '0';
  }

  private async record(
    mode: 'read' | 'append' | 'both',
    customer: string,
    terminal: string,
    e: TxEvent,
    extra = false,
  ) {
    const args = [
      this.ns,
      customer,
      terminal,
      e.txId,
      String(toMs(e.t)),
      String(e.amountCents),
      e.label === null ? '' : String(e.label),
      mode,
      String(this.nowMs()),
      Number.isFinite(this.keepMs) ? String(this.keepMs) : '-1',
      this.ttl,
      extra ? '1' : '',
    ];
    try {
      return (await this.link.script(RECORD_LUA, args)) as number[];
    } catch (cause) {
      throw wrapError(cause, 'FEATURES_UNAVAILABLE', 'the Redis feature state did not answer', { op: mode });
    }
  }

  async windows(q: WindowsQuery): Promise<FeatureWindows> {
    return windowsOf(
      await this.record(
        'read',
        q.customerId,
        q.terminalId,
        { txId: q.txId, t: q.t, amountCents: 0, label: null },
        q.extra,
      ),
    );
  }

  async windowsThenAppend(customer: string, terminal: string, e: TxEvent, extra = false): Promise<FeatureWindows> {
    return windowsOf(await this.record('both', customer, terminal, e, extra));
  }

  async append(customer: string, terminal: string, e: TxEvent): Promise<void> {
    await this.record('append', customer, terminal, e);
  }

  async setLabel(txId: string, label: 0 | 1): Promise<void> {
    try {
      await this.link.script(LABEL_LUA, [this.ns, txId, String(label), this.ttl]);
    } catch (cause) {
      throw wrapError(cause, 'FEATURES_UNAVAILABLE', 'the Redis feature state did not answer', { op: 'label' });
    }
  }

  async keptEvents(kind: 'customer' | 'terminal', id: string): Promise<number> {
    return this.link.zcard(`${this.ns}${kind === 'customer' ? 'c' : 't'}:${id}:ev`);
  }

  async close(): Promise<void> {
    await this.link.close();
  }
}

/**
 * The script's flat answer [count, cents] x windows, then [count, frauds] x windows, as FeatureWindows; then, on a
 * v2 read, previous ms (-1: none), events at the terminal, and the terminal's recent counts.
 */
function windowsOf(flat: number[]): FeatureWindows {
  const n = WINDOWS_DAYS.length;
  const w = {
    customer: WINDOWS_DAYS.map((_, i) => ({ count: flat[2 * i]!, cents: flat[2 * i + 1]! })),
    terminal: WINDOWS_DAYS.map((_, i) => ({ count: flat[2 * (n + i)]!, frauds: flat[2 * (n + i) + 1]! })),
  };
  if (flat.length === 4 * n) return w;
  const x = 4 * n;
  const extra = {
    previousMs: flat[x]! < 0 ? null : flat[x]!,
    customerAtTerminal: flat[x + 1]!,
    terminalRecent: RECENT_DAYS.map((_, i) => flat[x + 2 + i]!),
  };
  return { ...w, extra };
}
