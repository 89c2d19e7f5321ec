// Validation report of one model: AUPRC, ROC AUC, the threshold by the configured rule and the decisions it makes there.
import { averagePrecision, curves, rocAuc } from '../../shared/metrics/ranking.ts';
import { histogram } from '../../shared/metrics/histogram.ts';
import { atThreshold, chooseThreshold, type ThresholdRule } from '../../shared/metrics/threshold.ts';
import { cardPrecisionTopK } from '../../shared/metrics/card-precision.ts';
import type { ModelManifest } from '../../shared/schema/model-manifest.ts';

export interface Evaluation {
  readonly threshold: number;
  readonly thresholdReached: boolean;
  readonly metrics: ModelManifest['metrics'];
  readonly curves: NonNullable<ModelManifest['curves']>;
}

/** `cards`, when the format has customer ids: the day number and card of each validation row, for the Handbook's card precision@100. */
export function evaluate(
  scores: Float32Array,
  labels: Uint8Array,
  rule: ThresholdRule,
  cards?: { readonly day: ArrayLike<number>; readonly card: ArrayLike<number> },
): Evaluation {
  const choice = chooseThreshold(scores, labels, rule);
  const at = atThreshold(scores, labels, choice.threshold);
  const cp = cards
    ? { card_precision_at_100: finite(cardPrecisionTopK({ ...cards, score: scores, label: labels }, 100).mean) }
    : {};
  return {
    threshold: choice.threshold,
    thresholdReached: choice.reached,
    metrics: {
      auprc: finite(averagePrecision(scores, labels)),
      roc_auc: finite(rocAuc(scores, labels)),
      precision: at.precision,
      recall: at.recall,
      f1: at.f1,
      tp: at.tp,
      fp: at.fp,
      tn: at.tn,
      fn: at.fn,
      ...cp,
    },
    curves: reportCurves(scores, labels),
  };
}

function reportCurves(scores: Float32Array, labels: Uint8Array): Evaluation['curves'] {
  const c = curves(scores, labels, 150);
  const hf = histogram(
    scores.filter((_, i) => labels[i] === 1),
    20,
  );
  return {
    pr: c.pr.map((p) => ({ recall: p.recall, precision: p.precision })),
    roc: c.roc.map((p) => ({ fpr: p.fpr, tpr: p.tpr })),
    histogram: {
      edges: hf.edges,
      fraud: hf.counts,
      genuine: histogram(
        scores.filter((_, i) => labels[i] !== 1),
        20,
      ).counts,
    },
  };
}

export function finite(v: number): number | null {
  return Number.isFinite(v) ? v : null;
}
