// Window edges in integer milliseconds and the aggregates over event lists: the one definition every state matches.
import { DELAY_DAYS, STATE_KEEP_SECONDS, WINDOWS_DAYS } from './spec.ts';
import type { FeatureWindows, RetentionOptions, TxEvent } from './state-port.ts';

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

/** The windows of a transaction from event lists (the reference definition; the memory state uses it as is). */
export function aggregate(
  tMs: number,
  txId: string,
  customer: Iterable<TxEvent>,
  terminal: Iterable<TxEvent>,
): FeatureWindows {
  const cEdges = customerEdges(tMs);
  const c = cEdges.map(() => ({ count: 0, cents: 0 }));
  for (const e of customer) {
    if (e.txId === txId) continue; // never the transaction itself: a re-score gives the same features
    const ms = toMs(e.t);
    for (let i = 0; i < cEdges.length; i++)
      if (ms > cEdges[i]![0] && ms <= cEdges[i]![1]) {
        c[i]!.count++;
        c[i]!.cents += e.amountCents;
      }
  }
  const tEdges = terminalEdges(tMs);
  const t = tEdges.map(() => ({ count: 0, frauds: 0 }));
  for (const e of terminal) {
    const ms = toMs(e.t);
    for (let i = 0; i < tEdges.length; i++)
      if (ms > tEdges[i]![0] && ms <= tEdges[i]![1]) {
        t[i]!.count++;
        if (e.label === 1) t[i]!.frauds++;
      }
  }
  return { customer: c, terminal: t };
}

/** Retention settings with their defaults, in ms. */
export function retention(options: RetentionOptions = {}): { keepMs: number; nowMs: () => number } {
  const clock = options.clock ?? (() => Date.now() / 1000);
  return { keepMs: (options.keepSeconds ?? STATE_KEEP_SECONDS) * 1000, nowMs: () => toMs(clock()) };
}
