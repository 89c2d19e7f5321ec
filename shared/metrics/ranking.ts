// Ranking metrics of scores against 0/1 labels: average precision (AUPRC), ROC AUC, and the curves behind them.
import { FraudflowError } from '../errors.ts';

export interface CurvePoint {
  readonly threshold: number;
  readonly tp: number;
  readonly fp: number;
}

/**
 * Cumulative true and false positives when flagging everything scored >= each distinct score, highest first.
 * Tied scores form one point, as sklearn's precision_recall_curve does. Labels must be 0 or 1 and scores
 * finite numbers: a NaN would make the order (and so every metric) meaningless, so it is refused.
 * The points need only each class's scores in order: the frauds' and the genuine rows' are sorted apart (a native
 * numeric sort, no comparator: several times faster than sorting indices, and this runs every boosting round and
 * every epoch) and merged from the top.
 */
export function thresholdPoints(
  scores: ArrayLike<number>,
  labels: ArrayLike<number>,
): { points: CurvePoint[]; positives: number; negatives: number } {
  if (scores.length !== labels.length)
    throw new FraudflowError('INPUT_INVALID', `metrics: ${scores.length} scores but ${labels.length} labels`);
  let positives = 0;
  for (let i = 0; i < scores.length; i++) {
    if (!Number.isFinite(scores[i]))
      throw new FraudflowError('INPUT_INVALID', `metrics: score ${i} is ${scores[i]}, not a finite number`, {
        index: i,
      });
    if (labels[i] !== 0 && labels[i] !== 1)
      throw new FraudflowError('INPUT_INVALID', `metrics: label ${i} is ${labels[i]}, not 0 or 1`, { index: i });
    positives += labels[i]!;
  }
  const pos = new Float64Array(positives);
  const neg = new Float64Array(scores.length - positives);
  for (let i = 0, a = 0, b = 0; i < scores.length; i++)
    if (labels[i] === 1) pos[a++] = scores[i]!;
    else neg[b++] = scores[i]!;
  pos.sort();
  neg.sort();
  const points: CurvePoint[] = [];
  let tp = 0;
  let fp = 0;
  for (let p = pos.length - 1, q = neg.length - 1; p >= 0 || q >= 0;) {
    const threshold = p < 0 ? neg[q]! : q < 0 ? pos[p]! : Math.max(pos[p]!, neg[q]!);
    for (; p >= 0 && pos[p] === threshold; p--) tp++;
    for (; q >= 0 && neg[q] === threshold; q--) fp++;
    points.push({ threshold, tp, fp });
  }
  return { points, positives: tp, negatives: fp };
}

/**
 * Average precision: sum over thresholds of (R_n - R_{n-1}) * P_n (sklearn's definition, no interpolation).
 * NaN when there is no positive (recall is undefined), as sklearn warns and answers.
 */
export function averagePrecision(scores: ArrayLike<number>, labels: ArrayLike<number>): number {
  const { points, positives } = thresholdPoints(scores, labels);
  if (positives === 0) return Number.NaN;
  let ap = 0;
  let prevRecall = 0;
  for (const p of points) {
    const recall = p.tp / positives;
    ap += (recall - prevRecall) * (p.tp / (p.tp + p.fp));
    prevRecall = recall;
  }
  return ap;
}

/**
 * ROC AUC as the Mann-Whitney statistic: the chance a random positive outscores a random negative, ties counting half.
 * NaN when either class is absent (sklearn raises there).
 */
export function rocAuc(scores: ArrayLike<number>, labels: ArrayLike<number>): number {
  const { points, positives, negatives } = thresholdPoints(scores, labels);
  if (positives === 0 || negatives === 0) return Number.NaN;
  // Trapezoids over the ROC points: exactly the Mann-Whitney U / (P N), with ties giving half credit.
  let area = 0;
  let prevTp = 0;
  let prevFp = 0;
  for (const p of points) {
    area += ((p.fp - prevFp) * (p.tp + prevTp)) / 2;
    prevTp = p.tp;
    prevFp = p.fp;
  }
  return area / (positives * negatives);
}

/**
 * Precision-recall and ROC curves, thinned to at most about `maxPoints` points for reports (every step-th
 * threshold, the last one always kept so the curves end at recall 1 and (1, 1)).
 */
export function curves(
  scores: ArrayLike<number>,
  labels: ArrayLike<number>,
  maxPoints = 200,
): {
  pr: Array<{ recall: number; precision: number; threshold: number }>;
  roc: Array<{ fpr: number; tpr: number; threshold: number }>;
} {
  const { points, positives, negatives } = thresholdPoints(scores, labels);
  const step = Math.max(1, Math.ceil(points.length / Math.max(1, maxPoints - 1)));
  const kept = points.filter((_, i) => i % step === 0 || i === points.length - 1);
  return {
    pr: kept.map((p) => ({
      recall: positives ? p.tp / positives : 0,
      precision: p.tp / (p.tp + p.fp),
      threshold: p.threshold,
    })),
    roc: [
      { fpr: 0, tpr: 0, threshold: Infinity },
      ...kept.map((p) => ({
        fpr: negatives ? p.fp / negatives : 0,
        tpr: positives ? p.tp / positives : 0,
        threshold: p.threshold,
      })),
    ],
  };
}
