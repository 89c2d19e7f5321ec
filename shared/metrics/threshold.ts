// Decisions at a threshold: confusion matrix, precision/recall/F1, and choosing the threshold on validation by a rule.
import { FraudflowError } from '../errors.ts';
import { thresholdPoints } from './ranking.ts';

export interface Confusion {
  readonly tp: number;
  readonly fp: number;
  readonly tn: number;
  readonly fn: number;
}
export interface AtThreshold extends Confusion {
  readonly threshold: number;
  readonly precision: number;
  readonly recall: number;
  readonly f1: number;
}

/** Flag a transaction when its score is >= the threshold. Precision is 0 when nothing is flagged (sklearn's zero_division=0). */
export function atThreshold(scores: ArrayLike<number>, labels: ArrayLike<number>, threshold: number): AtThreshold {
  let tp = 0,
    fp = 0,
    tn = 0,
    fn = 0;
  for (let i = 0; i < scores.length; i++) {
    const flagged = scores[i]! >= threshold;
    if (labels[i] === 1) {
      if (flagged) tp++;
      else fn++;
    } else if (flagged) fp++;
    else tn++;
  }
  const precision = tp + fp === 0 ? 0 : tp / (tp + fp);
  const recall = tp + fn === 0 ? 0 : tp / (tp + fn);
  const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
  return { threshold, tp, fp, tn, fn, precision, recall, f1 };
}

export type ThresholdRule =
  | { readonly kind: 'target-precision'; readonly precision: number }
  | { readonly kind: 'min-cost'; readonly missedFraudCost: number; readonly falseAlarmCost: number };

export interface ThresholdChoice {
  readonly threshold: number;
  /** target-precision: whether some threshold reached the target; min-cost: always true. */
  readonly reached: boolean;
}

/** The smallest double above `x`: a threshold that flags nothing scored `x` or below. */
function nextUp(x: number): number {
  if (x === 0) return Number.MIN_VALUE;
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, x);
  view.setBigInt64(0, view.getBigInt64(0) + (x > 0 ? 1n : -1n));
  return view.getFloat64(0);
}

/**
 * target-precision: the lowest threshold whose precision reaches the target (most recall at that precision);
 * when none does, the threshold of highest precision, with `reached` false. min-cost: the threshold minimising
 * missed frauds x their cost + false alarms x theirs, "flag nothing" included; the highest threshold wins ties.
 * Without any fraud in the window no threshold means anything: that is an INPUT_INVALID error.
 */
export function chooseThreshold(
  scores: ArrayLike<number>,
  labels: ArrayLike<number>,
  rule: ThresholdRule,
): ThresholdChoice {
  const { points, positives } = thresholdPoints(scores, labels);
  if (positives === 0)
    throw new FraudflowError(
      'INPUT_INVALID',
      'threshold: the validation window holds no fraud, so no threshold can be chosen on it',
      { rows: scores.length },
    );
  if (rule.kind === 'target-precision') {
    let chosen: number | undefined;
    let best = { precision: -1, threshold: points[0]!.threshold };
    for (const p of points) {
      const precision = p.tp / (p.tp + p.fp);
      if (precision >= rule.precision) chosen = p.threshold;
      if (precision > best.precision) best = { precision, threshold: p.threshold };
    }
    return chosen === undefined ? { threshold: best.threshold, reached: false } : { threshold: chosen, reached: true };
  }
  let best = { cost: positives * rule.missedFraudCost, threshold: nextUp(points[0]!.threshold) };
  for (const p of points) {
    const cost = (positives - p.tp) * rule.missedFraudCost + p.fp * rule.falseAlarmCost;
    if (cost < best.cost) best = { cost, threshold: p.threshold };
  }
  return { threshold: best.threshold, reached: true };
}
