// Offline raw features over a time-sorted history, synchronously and in O(1) a row: each window a running count and sum
// over an entity's events (pointers move forward as time does), equal to the shared definition (aggregateMs) bit for bit;
// a spec whose features are functions of v1's (v1, v3) gets them from the shared per-version definition.
import { featuresFromWindows } from '../../shared/features/raw/compute.ts';
import { DELAY_DAYS, RAW_FEATURES, WINDOWS_DAYS, type RawFeatureSpec } from '../../shared/features/raw/spec.ts';
import { featuresOfSpec, readsExtra } from '../../shared/features/raw/versions.ts';
import { aggregateMs, DAY_MS, type MsEvent } from '../../shared/features/raw/windows.ts';
import type { FeatureWindows } from '../../shared/features/raw/port.ts';
import { FraudflowError } from '../../shared/errors.ts';

/** One transaction as retrain streams it: times in whole epoch seconds, entities as ids. */
export interface HistoryTx {
  readonly txId: string;
  readonly t: number;
  readonly customer: string;
  readonly terminal: string;
  readonly amount: number;
  readonly label: 0 | 1 | null;
}

const SPAN_MS = WINDOWS_DAYS.map((w) => w * DAY_MS);
const DELAY_MS = DELAY_DAYS * DAY_MS;

/** An entity's events in time order and, per window, where it starts and what it holds (counts, sums: integers, exact). */
class Entity {
  events: MsEvent[] = [];
  /** Events before this index have entered the windows (terminals: at most the delay old; customers: all). */
  upper = 0;
  readonly lower = SPAN_MS.map(() => 0);
  readonly count = SPAN_MS.map(() => 0);
  readonly sum = SPAN_MS.map(() => 0);

  /** Moves the windows to (hi - span, hi]; `value` is what an event adds to the sum (cents, or 1 for a fraud). */
  slide(hi: number, value: (e: MsEvent) => number): void {
    const ev = this.events;
    for (; this.upper < ev.length && ev[this.upper]!.ms <= hi; this.upper++)
      for (let i = 0; i < SPAN_MS.length; i++) {
        this.count[i]!++;
        this.sum[i]! += value(ev[this.upper]!);
      }
    for (let i = 0; i < SPAN_MS.length; i++)
      for (const lo = hi - SPAN_MS[i]!; this.lower[i]! < this.upper && ev[this.lower[i]!]!.ms <= lo; this.lower[i]!++) {
        this.count[i]!--;
        this.sum[i]! -= value(ev[this.lower[i]!]!);
      }
  }

  append(e: MsEvent): void {
    const last = this.events[this.events.length - 1];
    if (last && e.ms < last.ms)
      throw new FraudflowError('INTERNAL', 'retrain: the history reached the features out of time order');
    this.events.push(e);
    // Events every window has left are dropped (in blocks, so the copying stays rare).
    const gone = Math.min(...this.lower);
    if (gone > 64 && gone * 2 > this.events.length) {
      this.events = this.events.slice(gone);
      this.upper -= gone;
      for (let i = 0; i < SPAN_MS.length; i++) this.lower[i]! -= gone;
    }
  }
}

const cents = (e: MsEvent) => e.amountCents;
const fraud = (e: MsEvent) => (e.label === 1 ? 1 : 0);

/**
 * What offlineFeatures (shared/features/raw/offline.ts) computes for `spec` (v1 or v3: no v2 aggregates), row for row
 * and bit for bit: each transaction's features from what came before it, then the transaction recorded. A transaction
 * id seen before is not recorded again; `duplicates` names the ids that occur more than once (the warehouse knows
 * them): only those are remembered, and only their rows are aggregated the reference way (a transaction never counts
 * itself).
 */
export class OfflineRawFeatures {
  private readonly customers = new Map<string, Entity>();
  private readonly terminals = new Map<string, Entity>();
  private readonly seen = new Set<string>();

  constructor(
    private readonly duplicates: ReadonlySet<string> = new Set(),
    private readonly spec: RawFeatureSpec = RAW_FEATURES,
  ) {
    if (readsExtra(spec))
      throw new FraudflowError('INTERNAL', `retrain: raw v${spec.version} needs the v2 aggregates, not window sums`, {
        spec: `raw v${spec.version}`,
      });
  }

  /** The features of `tx` (the state before it), then `tx` recorded. */
  next(tx: HistoryTx): number[] {
    const ms = Math.round(tx.t * 1000);
    const c = entity(this.customers, tx.customer);
    const t = entity(this.terminals, tx.terminal);
    c.slide(ms, cents);
    t.slide(ms - DELAY_MS, fraud);
    const repeated = this.duplicates.has(tx.txId);
    const w: FeatureWindows = repeated
      ? aggregateMs(ms, tx.txId, c.events, t.events)
      : {
          customer: SPAN_MS.map((_, i) => ({ count: c.count[i]!, cents: c.sum[i]! })),
          terminal: SPAN_MS.map((_, i) => ({ count: t.count[i]!, frauds: t.sum[i]! })),
        };
    if (!repeated || !this.seen.has(tx.txId)) {
      if (repeated) this.seen.add(tx.txId);
      const rec: MsEvent = { txId: tx.txId, ms, amountCents: Math.round(tx.amount * 100), label: tx.label };
      c.append(rec);
      t.append({ ...rec });
    }
    return featuresOfSpec(this.spec, featuresFromWindows(tx, tx.t, w), ms, undefined);
  }
}

function entity(map: Map<string, Entity>, key: string): Entity {
  let e = map.get(key);
  if (!e) map.set(key, (e = new Entity()));
  return e;
}
