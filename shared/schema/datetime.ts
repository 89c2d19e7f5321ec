// The date-time grammar of the wire formats (ISO 8601 with real dates, real zone offsets, sane years) and its one conversion to an instant.
import { FraudflowError } from '../errors.ts';
import { MAX_OFFSET_MINUTES, MAX_YEAR, MIN_OFFSET_MINUTES, MIN_YEAR } from './limits.ts';

/** ISO 8601 date-time, seconds required, up to 9 fraction digits; a space may stand for the T; no zone means UTC. */
export const ISO_DATETIME =
  /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(?:Z|([+-])(\d{2}):(\d{2}))?$/;

export const DATETIME_SHAPE = 'expected an ISO 8601 date-time like 2026-04-01T13:45:00Z';

export type ParsedDateTime = { ok: true; epochMs: number } | { ok: false; problem: string };

const MONTHS = 'January February March April May June July August September October November December'.split(' ');
const monthName = (m: number): string => MONTHS[m - 1]!;

function daysIn(year: number, month: number): number {
  if (month === 2) return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

const fmtOffset = (sign: string, h: string, m: string): string => `${sign}${h}:${m}`;

/**
 * Parses by the grammar, then the calendar: months 1..12, the days the month has, hours 0..23, minutes and seconds
 * 0..59 (no leap second: JavaScript and POSIX time have none, so 23:59:60 names no instant), years MIN_YEAR..MAX_YEAR,
 * offsets -12:00..+14:00 with minutes 0..59 (-00:00 counts as UTC). Fractions past milliseconds are cut, as Date does.
 */
export function parseDateTime(s: string): ParsedDateTime {
  const m = ISO_DATETIME.exec(s);
  if (!m) return { ok: false, problem: DATETIME_SHAPE };
  const [y, mo, d, h, mi, se] = [m[1], m[2], m[3], m[4], m[5], m[6]].map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  const real = 'not a real calendar date-time';
  if (y < MIN_YEAR || y > MAX_YEAR) return { ok: false, problem: `year ${m[1]} is outside ${MIN_YEAR}..${MAX_YEAR}` };
  if (mo < 1 || mo > 12) return { ok: false, problem: `${real}: month ${m[2]} (months run 01..12)` };
  if (d < 1 || d > daysIn(y, mo))
    return { ok: false, problem: `${real}: ${monthName(mo)} ${y} has no day ${m[3]} (it has ${daysIn(y, mo)})` };
  if (h > 23) return { ok: false, problem: `${real}: hour ${m[4]} (hours run 00..23)` };
  if (mi > 59) return { ok: false, problem: `${real}: minute ${m[5]} (minutes run 00..59)` };
  if (se > 59) return { ok: false, problem: `${real}: second ${m[6]} (seconds run 00..59; no leap seconds)` };
  let offset = 0;
  if (m[8] !== undefined) {
    const [oh, om] = [Number(m[9]), Number(m[10])];
    offset = (m[8] === '-' ? -1 : 1) * (oh * 60 + om);
    if (om > 59 || offset < MIN_OFFSET_MINUTES || offset > MAX_OFFSET_MINUTES)
      return {
        ok: false,
        problem: `not a real zone offset: ${fmtOffset(m[8], m[9]!, m[10]!)} (offsets run -12:00..+14:00, minutes 00..59)`,
      };
  }
  const ms = m[7] === undefined ? 0 : Number(m[7].padEnd(3, '0').slice(0, 3));
  return { ok: true, epochMs: Date.UTC(y, mo - 1, d, h, mi, se, ms) - offset * 60_000 };
}

/** The problem with a date-time, or undefined when it is valid. */
export function dateTimeProblem(s: string): string | undefined {
  const r = parseDateTime(s);
  return r.ok ? undefined : r.problem;
}

/**
 * Epoch milliseconds of a date-time; the one place a wire time becomes a number. Text outside the grammar is a typed
 * error (INPUT_INVALID), so no NaN ever reaches the feature state or a training window.
 */
export function epochMsOf(s: string, field = 'tx_datetime'): number {
  const r = parseDateTime(s);
  if (r.ok) return r.epochMs;
  const shown = JSON.stringify(s.length > 40 ? `${s.slice(0, 40)}…` : s);
  throw new FraudflowError('INPUT_INVALID', `${field}: ${r.problem}, got ${shown}`, { field, problem: r.problem });
}
