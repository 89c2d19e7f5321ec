// The SQL of spec v2's aggregates in the SQLite state: index range scans of one customer's and one terminal's
// events inside (t - 30 days, t] (the events_entity index), the transaction itself left out.
import { RECENT_DAYS, WINDOWS_DAYS } from '../spec.ts';
import type { ExtraWindows, WindowsQuery } from '../port.ts';
import { DAY_MS, toMs } from '../windows.ts';

const R = RECENT_DAYS.map((_, i) => i);
const WIDEST = WINDOWS_DAYS[WINDOWS_DAYS.length - 1]!;

export const EXTRA_CUSTOMER_SQL = `SELECT max(t) AS prev, coalesce(sum(peer = @term), 0) AS at_terminal FROM events
  WHERE kind = 'c' AND entity = @cust AND t > @clo AND t <= @hi AND tx_id != @tx`;
export const EXTRA_TERMINAL_SQL = `SELECT ${R.map((i) => `coalesce(sum(t > @rlo${i}), 0) AS r${i}`).join(', ')}
  FROM events WHERE kind = 't' AND entity = @term AND t > @rmin AND t <= @hi AND tx_id != @tx`;

export interface ExtraRows {
  customer: { prev: number | null; at_terminal: number };
  terminal: Record<string, number>;
}

/** The statements' parameters: edges as ms / 1000, as the table stores times. */
export function extraParams(q: WindowsQuery, tMs: number): Record<string, string | number> {
  const los = RECENT_DAYS.map((w) => (tMs - w * DAY_MS) / 1000);
  return {
    cust: q.customerId,
    term: q.terminalId,
    tx: q.txId,
    hi: tMs / 1000,
    clo: (tMs - WIDEST * DAY_MS) / 1000,
    rmin: Math.min(...los),
    ...Object.fromEntries(los.map((lo, i) => [`rlo${i}`, lo])),
  };
}

export function extraOf(c: ExtraRows['customer'], t: ExtraRows['terminal']): ExtraWindows {
  return {
    previousMs: c.prev === null ? null : toMs(c.prev),
    customerAtTerminal: c.at_terminal,
    terminalRecent: R.map((i) => t[`r${i}`]!),
  };
}
