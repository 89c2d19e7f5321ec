// Decisions at a threshold: confusion matrix, precision/recall/F1, and choosing the threshold on validation by a rule.
import { thresholdPoints } from './ranking.ts';

export interface Confusion { readonly tp: number; readonly fp: number; readonly tn: number; readonly fn: number }
export interface AtThreshold extends Confusion { readonly threshold: number; readonly precision: number; readonly recall: number; readonly f1: number }

/** Flag a transaction when its score is >= the threshold. */
export function atThreshold(scores: ArrayLike<number>, labels: ArrayLike<number>, threshold: number): AtThreshold {
  let tp = 0, fp = 0, tn = 0, fn = 0;
  for (let i = 0; i < scores.length; i++) {
    const flagged = scores[i]! >= threshold;
    if (labels[i] === 1) flagged ? tp++ : fn++;
    else flagged ? fp++ : tn++;
  }
  const precision = tp + fp === 0 ? 0 : tp / (tp + fp);
  const recall = tp + fn === 0 ? 0 : tp / (tp + fn);
  const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
  return { threshold, tp, fp, tn, fn, precision, recall, f1 };
}

export type ThresholdRule =
  | { readonly kind: 'target-precision'; readonly precision: number }
  | { readonly kind: 'min-cost'; readonly missedFraudCost: number; readonly falseAlarmCost: number };

/**
 * target-precision: the lowest threshold whose precision reaches the target (most recall at that precision);
 * when none does, the threshold of highest precision. min-cost: the threshold minimising
 * missed frauds x their cost + false alarms x theirs.
 */
export function chooseThreshold(scores: ArrayLike<number>, labels: ArrayLike<number>, rule: ThresholdRule): number {
  const { points, positives } = thresholdPoints(scores, labels);
  if (points.length === 0) return 0.5;
  if (rule.kind === 'target-precision') {
    let chosen: number | undefined;
    let best = { precision: -1, threshold: points[0]!.threshold };
    for (const p of points) {
      const precision = p.tp / (p.tp + p.fp);
      if (precision >= rule.precision) chosen = p.threshold;
      if (precision > best.precision) best = { precision, threshold: p.threshold };
    }
    return chosen ?? best.threshold;
  }
  // Flag nothing: every fraud is missed.
  let best = { cost: positives * rule.missedFraudCost, threshold: Math.min(1, points[0]!.threshold + 1e-9) };
  for (const p of points) {
    const cost = (positives - p.tp) * rule.missedFraudCost + p.fp * rule.falseAlarmCost;
    if (cost < best.cost) best = { cost, threshold: p.threshold };
  }
  return best.threshold;
}
