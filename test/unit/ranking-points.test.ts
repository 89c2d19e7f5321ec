// The threshold points behind AP, ROC AUC and the curves: one native sort per class gives what sorting row indices gives.
import { describe, expect, it } from 'vitest';
import { Random } from '../../shared/synth/random.ts';
import { averagePrecision, rocAuc, thresholdPoints } from '../../shared/metrics/ranking.ts';

/** The former definition: row indices sorted by score with a comparator, a point at the end of each run of ties. */
function reference(scores: ArrayLike<number>, labels: ArrayLike<number>) {
  const order = Uint32Array.from({ length: scores.length }, (_, i) => i).sort((a, b) => scores[b]! - scores[a]!);
  const points: Array<{ threshold: number; tp: number; fp: number }> = [];
  let tp = 0;
  let fp = 0;
  for (let k = 0; k < order.length; k++) {
    const i = order[k]!;
    if (labels[i] === 1) tp++;
    else fp++;
    const next = order[k + 1];
    if (next === undefined || scores[next] !== scores[i]) points.push({ threshold: scores[i]!, tp, fp });
  }
  return { points, positives: tp, negatives: fp };
}

describe('threshold points', () => {
  it('equal the index sort on tied float32 scores, float64 scores and one-class windows', () => {
    const rnd = new Random(11);
    for (const n of [0, 1, 7, 1000, 50_000]) {
      const coarse = Float32Array.from({ length: n }, () => Math.round(rnd.next() * 50) / 50); // many ties
      const fine = Float64Array.from({ length: n }, () => rnd.normal());
      for (const scores of [coarse, fine]) {
        const labels = Uint8Array.from(scores, () => (rnd.next() < 0.2 ? 1 : 0));
        expect(thresholdPoints(scores, labels)).toEqual(reference(scores, labels));
        expect(thresholdPoints(scores, new Uint8Array(n))).toEqual(reference(scores, new Uint8Array(n)));
        expect(thresholdPoints(scores, new Uint8Array(n).fill(1))).toEqual(
          reference(scores, new Uint8Array(n).fill(1)),
        );
      }
    }
  });

  it('keep sklearn average precision and ROC AUC on a worked example, and refuse a NaN score', () => {
    // sklearn: average_precision_score([0,0,1,1], [0.1,0.4,0.35,0.8]) = 0.8333..., roc_auc_score = 0.75
    expect(averagePrecision([0.1, 0.4, 0.35, 0.8], [0, 0, 1, 1])).toBeCloseTo(0.8333333333, 9);
    expect(rocAuc([0.1, 0.4, 0.35, 0.8], [0, 0, 1, 1])).toBe(0.75);
    expect(() => thresholdPoints([0.5, Number.NaN], [1, 0])).toThrow(/not a finite number/);
  });
});
