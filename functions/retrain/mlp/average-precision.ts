// Average precision by one native sort per class instead of an index sort with a comparator: the early-stopping metric of every epoch.
import { FraudflowError } from '../../../shared/errors.ts';

/**
 * sklearn's average precision (shared/metrics/ranking.ts's `averagePrecision`, the same sums in the same order, so the
 * same double): the positives' and negatives' scores sorted apart (TypedArray sort, no comparator), then merged from
 * the top, tied scores forming one threshold. NaN without a positive.
 */
export function averagePrecisionOf(scores: Float32Array, labels: Uint8Array): number {
  if (scores.length !== labels.length)
    throw new FraudflowError('INPUT_INVALID', `metrics: ${scores.length} scores but ${labels.length} labels`);
  let positives = 0;
  for (let i = 0; i < labels.length; i++) {
    if (labels[i] !== 0 && labels[i] !== 1)
      throw new FraudflowError('INPUT_INVALID', `metrics: label ${i} is ${labels[i]}, not 0 or 1`, { index: i });
    if (!Number.isFinite(scores[i]))
      throw new FraudflowError('INPUT_INVALID', `metrics: score ${i} is ${scores[i]}, not a finite number`, {
        index: i,
      });
    positives += labels[i]!;
  }
  if (positives === 0) return Number.NaN;
  const pos = new Float32Array(positives);
  const neg = new Float32Array(labels.length - positives);
  for (let i = 0, p = 0, q = 0; i < labels.length; i++)
    if (labels[i] === 1) pos[p++] = scores[i]!;
    else neg[q++] = scores[i]!;
  pos.sort();
  neg.sort();
  let p = pos.length - 1;
  let q = neg.length - 1;
  let tp = 0;
  let fp = 0;
  let ap = 0;
  let prevRecall = 0;
  while (p >= 0 || q >= 0) {
    const s = p < 0 ? neg[q]! : q < 0 ? pos[p]! : Math.max(pos[p]!, neg[q]!);
    for (; p >= 0 && pos[p] === s; p--) tp++;
    for (; q >= 0 && neg[q] === s; q--) fp++;
    const recall = tp / positives;
    ap += (recall - prevRecall) * (tp / (tp + fp));
    prevRecall = recall;
  }
  return ap;
}
