// Time-ordered splits: a fraction of the span, or the Handbook's explicit day windows (train, delay, test) with known-compromised cards removed.
import { FraudflowError } from '../../shared/errors.ts';
import { DELAY_DAYS } from '../../shared/features/raw/spec.ts';

const DAY = 86_400;
/** A label not (yet) known: the row feeds the features but is neither trained nor tested on. */
export const UNLABELLED = 255;

/** The gap retrain leaves unless configured: raw labels arrive up to the features' label delay late; Kaggle's are all known. */
export function defaultGapSeconds(format: 'kaggle' | 'raw'): number {
  return format === 'raw' ? DELAY_DAYS * 86_400 : 0;
}

export interface SplitOptions {
  /** Share of the time span (not of rows) held out at the end for validation. */
  readonly validationFraction: number;
  /** Seconds between the end of training and the start of validation. */
  readonly gapSeconds: number;
}

export interface Split {
  readonly train: [number, number];
  readonly validation: [number, number];
}

/** Row index ranges [start, end) over rows sorted by time. */
export function timeSplit(time: Float64Array, options: SplitOptions): Split {
  const n = time.length;
  const t0 = time[0]!;
  const t1 = time[n - 1]!;
  const validationStart = t1 - (t1 - t0) * options.validationFraction;
  const trainEnd = validationStart - options.gapSeconds;
  let a = 0;
  while (a < n && time[a]! < trainEnd) a++;
  let b = a;
  while (b < n && time[b]! < validationStart) b++;
  if (a === 0 || b === n)
    throw new FraudflowError(
      'INPUT_INVALID',
      `retrain: the history (${n} rows over ${t1 - t0} s) is too short to split with a gap of ${options.gapSeconds} s`,
    );
  return { train: [0, a], validation: [b, n] };
}

/** Rows to train and to test on, as indexes into the history (labelled rows only, ascending). */
export interface RowSplit {
  readonly train: Uint32Array;
  readonly test: Uint32Array;
}

/** The labelled rows of index ranges. */
export function labelledRows(labels: Uint8Array, ...ranges: Array<[number, number]>): Uint32Array {
  const out: number[] = [];
  for (const [a, b] of ranges) for (let i = a; i < b; i++) if (labels[i] !== UNLABELLED) out.push(i);
  return Uint32Array.from(out);
}

export interface DayWindows {
  readonly trainDays: number;
  readonly delayDays: number;
  readonly testDays: number;
}

/** The days of one protocol split, as UTC day numbers since 1970-01-01 (first day inclusive, `end` inclusive). */
export interface WindowDays {
  readonly trainStart: number;
  readonly delayStart: number;
  readonly testStart: number;
  readonly end: number;
}

export const dayNumber = (epochSeconds: number) => Math.floor(epochSeconds / DAY);
export const dayText = (day: number) => new Date(day * DAY * 1000).toISOString().slice(0, 10);
export function dayOfText(date: string): number {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  const ms = m ? Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])) : Number.NaN;
  if (!m || dayText(ms / 1000 / DAY) !== date)
    throw new FraudflowError('INPUT_INVALID', `retrain: expected a date like 2018-08-14 as the end, got "${date}"`);
  return ms / 1000 / DAY;
}

/** The windows ending at `end` (the test window's last day), shifted back by `shiftDays`. */
export function windowDays(w: DayWindows, end: number, shiftDays = 0): WindowDays {
  const last = end - shiftDays;
  const testStart = last - w.testDays + 1;
  const delayStart = testStart - w.delayDays;
  return { trainStart: delayStart - w.trainDays, delayStart, testStart, end: last };
}

/** A time-sorted history with the card of every row. */
export interface CardHistory {
  readonly time: Float64Array;
  readonly labels: Uint8Array;
  readonly cards: Uint32Array;
}

/** First row at or after the start of `day` (rows sorted by time). */
function firstRowOfDay(time: Float64Array, day: number): number {
  const t = day * DAY;
  let lo = 0;
  let hi = time.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (time[mid]! < t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * The Handbook's `get_train_test_set` (Fraud Detection Handbook, Chapter_References/shared_functions): training rows
 * are the days [trainStart, delayStart); the test rows of each test day are that day's rows less the cards known to be
 * compromised by then: the cards with a fraud in training, plus, test day by test day, those with a fraud on the day
 * that has just passed the delay (test day - delay - 1; for the first test day, the last training day).
 */
export function windowSplit(h: CardHistory, d: WindowDays): RowSplit & { readonly removedKnownCompromised: number } {
  const row = (day: number) => firstRowOfDay(h.time, day);
  const train = labelledRows(h.labels, [row(d.trainStart), row(d.delayStart)]);
  const known = new Set<number>();
  for (const i of train) if (h.labels[i] === 1) known.add(h.cards[i]!);
  const delayDays = d.testStart - d.delayStart;
  const test: number[] = [];
  let removed = 0;
  for (let day = d.testStart; day <= d.end; day++) {
    const passed = day - delayDays - 1;
    for (let i = row(passed), e = row(passed + 1); i < e; i++) if (h.labels[i] === 1) known.add(h.cards[i]!);
    for (let i = row(day), e = row(day + 1); i < e; i++) {
      if (h.labels[i] === UNLABELLED) continue;
      if (known.has(h.cards[i]!)) removed++;
      else test.push(i);
    }
  }
  return { train, test: Uint32Array.from(test), removedKnownCompromised: removed };
}
