// Time-ordered split: train on the older part, validate on the most recent window, with a gap for labels still to come.
import { FraudflowError } from '../../shared/errors.ts';
import { DELAY_DAYS } from '../../shared/features/raw/spec.ts';

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
