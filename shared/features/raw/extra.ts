// The v2 aggregates over event lists (the reference definition; the memory state uses it as is): bounded by the
// customer's widest window and the terminal's retained events.
import { RECENT_DAYS, WINDOWS_DAYS } from './spec.ts';
import type { ExtraWindows, TxEvent } from './port.ts';
import { DAY_MS, msEvent, type MsEvent } from './windows.ts';

const WIDEST_MS = WINDOWS_DAYS[WINDOWS_DAYS.length - 1]! * DAY_MS;

/** Customer events (each with the terminal it was at, `peer`) and terminal events -> the v2 aggregates at `tMs`. */
export function extraMs(
  tMs: number,
  txId: string,
  terminalId: string,
  customer: readonly MsEvent[],
  terminal: readonly MsEvent[],
): ExtraWindows {
  const lo = tMs - WIDEST_MS;
  let previousMs: number | null = null;
  let customerAtTerminal = 0;
  for (const e of customer) {
    if (e.ms <= lo || e.ms > tMs || e.txId === txId) continue;
    if (previousMs === null || e.ms > previousMs) previousMs = e.ms;
    if (e.peer === terminalId) customerAtTerminal++;
  }
  const los = RECENT_DAYS.map((w) => tMs - w * DAY_MS);
  const recentMin = Math.min(...los);
  const terminalRecent = los.map(() => 0);
  for (const e of terminal) {
    if (e.ms <= recentMin || e.ms > tMs || e.txId === txId) continue;
    for (let i = 0; i < los.length; i++) if (e.ms > los[i]!) terminalRecent[i]!++;
  }
  return { previousMs, customerAtTerminal, terminalRecent };
}

/** The same from plain event lists: customer events carry the terminal they were recorded at. */
export function aggregateExtra(
  tMs: number,
  txId: string,
  terminalId: string,
  customer: Iterable<TxEvent & { readonly terminalId: string }>,
  terminal: Iterable<TxEvent>,
): ExtraWindows {
  const c = [...customer].map((e) => ({ ...msEvent(e), peer: e.terminalId }));
  return extraMs(tMs, txId, terminalId, c, [...terminal].map(msEvent));
}
