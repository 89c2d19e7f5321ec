// Loads the history a run needs and plans its splits: the held-out window that is reported, and the earlier folds that select the model.
import type { Warehouse } from '../../shared/warehouse/port.ts';
import type { ModelManifest } from '../../shared/schema/model-manifest.ts';
import { FraudflowError } from '../../shared/errors.ts';
import { DELAY_DAYS, WINDOWS_DAYS, type RawFeatureSpec } from '../../shared/features/raw/spec.ts';
import { loadKaggleHistory, loadRawHistory, rawHistorySpan, type Dataset } from './dataset.ts';
import {
  dayNumber,
  dayOfText,
  dayText,
  defaultGapSeconds,
  labelledRows,
  timeSplit,
  windowDays,
  windowSplit,
  type DayWindows,
  type RowSplit,
  type WindowDays,
} from './split.ts';

const DAY = 86_400;
/** Days of raw history behind a row for its features to be complete: the terminal windows reach 7 + 30 days back. */
export const FEATURE_HISTORY_DAYS = DELAY_DAYS + WINDOWS_DAYS[WINDOWS_DAYS.length - 1]!;

export interface ProtocolOptions {
  readonly format: 'kaggle' | 'raw';
  readonly validationFraction: number;
  readonly gapSeconds: number | undefined;
  /** The Handbook's day windows ending at `end` (YYYY-MM-DD, the test window's last day) or at the newest labelled day. */
  readonly windows?: DayWindows & { readonly end?: string };
  /** How many earlier splits select the model (each shifted back by the test length). */
  readonly folds: number;
  /** The raw format's feature spec (v1 or v2); default raw v1. */
  readonly spec?: RawFeatureSpec;
}

export interface Plan {
  readonly data: Dataset & { cards?: Uint32Array };
  /** Trained on, then reported: the selection never sees `heldOut.test`. */
  readonly heldOut: RowSplit;
  /** Newest first; fold 0's test rows are also where the final fit stops early. */
  readonly folds: readonly RowSplit[];
  readonly split: NonNullable<ModelManifest['data']['split']>;
  readonly gapSeconds: number;
}

export async function planSplits(warehouse: Warehouse, o: ProtocolOptions): Promise<Plan> {
  if (o.windows) return planWindows(warehouse, o, o.windows);
  const data =
    o.format === 'raw'
      ? await loadRawHistory(warehouse, o.spec ? { spec: o.spec } : {})
      : await loadKaggleHistory(warehouse);
  const gapSeconds = o.gapSeconds ?? defaultGapSeconds(o.format);
  const outer = timeSplit(data.time, { validationFraction: o.validationFraction, gapSeconds });
  // Selection: the same split inside the training part, so the held-out window stays unseen.
  const inner = timeSplit(data.time.subarray(0, outer.train[1]), {
    validationFraction: o.validationFraction,
    gapSeconds,
  });
  return {
    data,
    heldOut: { train: labelledRows(data.labels, outer.train), test: labelledRows(data.labels, outer.validation) },
    folds: [{ train: labelledRows(data.labels, inner.train), test: labelledRows(data.labels, inner.validation) }],
    split: { mode: 'fraction', validation_fraction: o.validationFraction, selection_folds: 1 },
    gapSeconds,
  };
}

// eslint-disable-next-line max-lines-per-function -- the Handbook protocol's window arithmetic in one place, each window beside the next
async function planWindows(
  warehouse: Warehouse,
  o: ProtocolOptions,
  w: DayWindows & { readonly end?: string },
): Promise<Plan> {
  if (o.format !== 'raw')
    throw new FraudflowError(
      'INPUT_INVALID',
      'retrain: day windows need the raw format (dates and cards); the Kaggle format has neither: use the fraction split',
    );
  const span = await rawHistorySpan(warehouse);
  if (!span)
    throw new FraudflowError('INPUT_INVALID', 'retrain: the warehouse holds no labelled raw-format transactions');
  const end = w.end !== undefined ? dayOfText(w.end) : dayNumber(span.lastLabelled);
  const final = windowDays(w, end);
  const firstDay = dayNumber(span.first);
  if (final.trainStart < firstDay)
    throw new FraudflowError(
      'INPUT_INVALID',
      `retrain: the windows ending ${dayText(end)} start training on ${dayText(final.trainStart)}, before the history (from ${dayText(firstDay)})`,
      { end: dayText(end), train_start: dayText(final.trainStart), history_start: dayText(firstDay) },
    );
  // Fold j's test window ends where the final training window ends (labels known then), shifted back j test lengths.
  const foldDays: WindowDays[] = [];
  for (let j = 0; j < o.folds; j++) {
    const d = windowDays(w, end, w.delayDays + w.testDays + j * w.testDays);
    if (d.trainStart < firstDay) break;
    foldDays.push(d);
  }
  const earliest = Math.min(final.trainStart, ...foldDays.map((d) => d.trainStart));
  const data = await loadRawHistory(warehouse, {
    from: (earliest - FEATURE_HISTORY_DAYS) * DAY,
    keepFrom: earliest * DAY,
    ...(o.spec ? { spec: o.spec } : {}),
  });
  const heldOut = windowSplit(data, final);
  const folds = foldDays.map((d) => windowSplit(data, d));
  const range = (a: number, b: number): [string, string] => [dayText(a), dayText(b)];
  return {
    data,
    heldOut,
    folds,
    split: {
      mode: 'windows',
      train_days: w.trainDays,
      delay_days: w.delayDays,
      test_days: w.testDays,
      end: dayText(end),
      train_window: range(final.trainStart, final.delayStart - 1),
      delay_window: range(final.delayStart, final.testStart - 1),
      test_window: range(final.testStart, final.end),
      known_compromised_removed: heldOut.removedKnownCompromised,
      feature_history_from: dayText(Math.max(firstDay, earliest - FEATURE_HISTORY_DAYS)),
      selection_folds: folds.length,
      selection_test_windows: foldDays.map((d) => range(d.testStart, d.end)),
    },
    gapSeconds: w.delayDays * DAY,
  };
}
