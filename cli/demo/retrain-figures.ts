// What a demo retrain shows: its windows, held-out AP / ROC AUC / Card Precision@100, and whether it took over and why.
import type { RetrainResult } from '../../functions/retrain/retrain.ts';

export interface RetrainFigures {
  readonly version: string;
  readonly model: string;
  readonly promoted: boolean;
  readonly reason: string;
  readonly train_window: string;
  readonly test_window: string;
  readonly validation_rows: number;
  readonly validation_frauds: number;
  readonly auprc: number | null;
  readonly roc_auc: number | null;
  readonly card_precision_at_100: number | null;
  readonly precision: number;
  readonly recall: number;
  readonly threshold: number;
  readonly lines: string[];
}

const f4 = (v: number | null | undefined) => (v === null || v === undefined ? 'n/a' : v.toFixed(4));

export function describeRetrain(r: RetrainResult): RetrainFigures {
  const m = r.manifest;
  const split = m.data.split;
  const range = (w: [string, string] | undefined) => (w ? w.join('..') : 'n/a');
  const figures = {
    version: r.version,
    model: m.model,
    promoted: r.promoted,
    reason: r.reason,
    train_window: range(split?.train_window),
    test_window: range(split?.test_window),
    validation_rows: m.data.validation_rows,
    validation_frauds: m.data.validation_frauds,
    auprc: m.metrics.auprc,
    roc_auc: m.metrics.roc_auc,
    card_precision_at_100: m.metrics.card_precision_at_100 ?? null,
    precision: m.metrics.precision,
    recall: m.metrics.recall,
    threshold: m.threshold,
  };
  const lines = [
    `windows: train ${figures.train_window}, delay ${range(split?.delay_window)}, test ${figures.test_window}; ` +
      `${split?.selection_folds ?? 0} earlier fold(s) chose the model`,
    `${r.version} (${m.model}) on ${m.data.train_rows} rows; test ${m.data.validation_rows} rows (${m.data.validation_frauds} frauds): ` +
      `AP ${f4(figures.auprc)}, ROC AUC ${f4(figures.roc_auc)}, CP@100 ${f4(figures.card_precision_at_100)}`,
    `${r.promoted ? 'promoted to champion' : 'refused, kept as challenger'}: ${r.reason}`,
  ];
  return { ...figures, lines };
}
