// Window edges in integer milliseconds and the aggregates over event lists: the one definition every state matches.
import { DELAY_DAYS, STATE_KEEP_SECONDS, WINDOWS_DAYS } from './spec.ts';
import type { FeatureWindows, RetentionOptions, TxEvent } from './port.ts';

export const DAY_MS = 86_400_000;
/** Events dated more than this after the wall clock are "future": they never move an entity's retention horizon. */
export const FUTURE_SLACK_MS = DAY_MS;

/** Epoch seconds -> integer milliseconds (times are compared as integers: no rounding at the window edges). */
export function toMs(t: number): number {
  return Math.round(t * 1000);
}

/** The (lo, hi] edges, in ms, of the customer windows of a transaction at `tMs`, in WINDOWS_DAYS order. */
export function customerEdges(tMs: number): Array<readonly [number, number]> {
  return WINDOWS_DAYS.map((w) => [tMs - w * DAY_MS, tMs] as const);
}

/** The (lo, hi] edges, in ms, of the terminal windows (behind the label delay), in WINDOWS_DAYS order. */
export function terminalEdges(tMs: number): Array<readonly [number, number]> {
  const hi = tMs - DELAY_DAYS * DAY_MS;
  return WINDOWS_DAYS.map((w) => [hi - w * DAY_MS, hi] as const);
}

/** An event with its time in integer ms, as the memory state keeps it (the label changes when a late one arrives). */
export interface MsEvent {
  readonly txId: string;
  readonly ms: number;
  readonly amountCents: number;
  label: 0 | 1 | null;
  /** On a customer's events: the terminal it was recorded at (spec v2's "used this terminal before"). */
  readonly peer?: string;
}

export const msEvent = (e: TxEvent): MsEvent => ({
  txId: e.txId,
  ms: toMs(e.t),
  amountCents: e.amountCents,
  label: e.label,
});

/** The windows of a transaction from event lists (the reference definition; the memory state uses it as is). */
export function aggregate(
  tMs: number,
  txId: string,
  customer: Iterable<TxEvent>,
  terminal: Iterable<TxEvent>,
): FeatureWindows {
  return aggregateMs(tMs, txId, [...customer].map(msEvent), [...terminal].map(msEvent));
}

export function aggregateMs(
  tMs: number,
  txId: string,
  customer: readonly MsEvent[],
  terminal: readonly MsEvent[],
): FeatureWindows {
  // All windows of one side share their upper edge; the lower edges are tried only inside the widest window.
  const cLo = customerEdges(tMs).map(([lo]) => lo);
  const cCount = cLo.map(() => 0);
  const cCents = cLo.map(() => 0);
  const cMin = Math.min(...cLo);
  for (const e of customer) {
    const ms = e.ms;
    if (ms <= cMin || ms > tMs || e.txId === txId) continue; // never the transaction itself: a re-score is the same
    for (let i = 0; i < cLo.length; i++)
      if (ms > cLo[i]!) {
        cCount[i]!++;
        cCents[i]! += e.amountCents;
      }
  }
  const tHi = terminalEdges(tMs)[0]![1];
  const tLo = terminalEdges(tMs).map(([lo]) => lo);
  const tCount = tLo.map(() => 0);
  const tFrauds = tLo.map(() => 0);
  const tMin = Math.min(...tLo);
  for (const e of terminal) {
    const ms = e.ms;
    if (ms <= tMin || ms > tHi) continue;
    for (let i = 0; i < tLo.length; i++)
      if (ms > tLo[i]!) {
        tCount[i]!++;
        if (e.label === 1) tFrauds[i]!++;
      }
  }
  return {
    customer: cLo.map((_, i) => ({ count: cCount[i]!, cents: cCents[i]! })),
    terminal: tLo.map((_, i) => ({ count: tCount[i]!, frauds: tFrauds[i]! })),
  };
}

/** Retention settings with their defaults, in ms. */
export function retention(options: RetentionOptions = {}): { keepMs: number; nowMs: () => number } {
  const clock = options.clock ?? (() => Date.now() / 1000);
  return { keepMs: (options.keepSeconds ?? STATE_KEEP_SECONDS) * 1000, nowMs: () => toMs(clock()) };
}
