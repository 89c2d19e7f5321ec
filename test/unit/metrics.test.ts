// Metrics checked against values worked out by hand on small cases.
import { describe, expect, it } from 'vitest';
import { averagePrecision, rocAuc, curves } from '../../shared/metrics/ranking.ts';
import { atThreshold, chooseThreshold } from '../../shared/metrics/threshold.ts';
import { cardPrecisionAtK } from '../../shared/metrics/card-precision.ts';

describe('ranking metrics', () => {
  it('average precision of 4 scores by hand', () => {
    // scores .9(1) .8(0) .7(1) .6(0); P = 2.
    // thresholds: .9 -> P=1, R=.5 ; .8 -> P=.5, R=.5 ; .7 -> P=2/3, R=1 ; .6 -> P=.5, R=1
    // AP = (.5-0)*1 + 0*.5 + (1-.5)*(2/3) + 0 = .5 + 1/3 = 0.8333...
    expect(averagePrecision([0.9, 0.8, 0.7, 0.6], [1, 0, 1, 0])).toBeCloseTo(5 / 6, 12);
  });

  it('ROC AUC of the same case by hand', () => {
    // positive/negative pairs: (.9,.8) win (.9,.6) win (.7,.8) lose (.7,.6) win -> 3/4
    expect(rocAuc([0.9, 0.8, 0.7, 0.6], [1, 0, 1, 0])).toBeCloseTo(0.75, 12);
  });

  it('treats tied scores as one threshold', () => {
    // All tied: one point, TP=2 FP=2 -> precision .5 at recall 1 -> AP = .5; AUC: every pair a tie -> .5
    expect(averagePrecision([0.5, 0.5, 0.5, 0.5], [1, 0, 1, 0])).toBe(0.5);
    expect(rocAuc([0.5, 0.5, 0.5, 0.5], [1, 0, 1, 0])).toBe(0.5);
    // Partial tie: .9(1) .5(1) .5(0) .1(0): AP = .5*1 + .5*(2/3) = 5/6; AUC: (.9>.5, .9>.1, .5=.5 half, .5>.1) = 3.5/4
    expect(averagePrecision([0.9, 0.5, 0.5, 0.1], [1, 1, 0, 0])).toBeCloseTo(5 / 6, 12);
    expect(rocAuc([0.9, 0.5, 0.5, 0.1], [1, 1, 0, 0])).toBeCloseTo(0.875, 12);
  });

  it('is 1 for a perfect ranking and NaN without positives', () => {
    expect(averagePrecision([0.9, 0.1], [1, 0])).toBe(1);
    expect(rocAuc([0.9, 0.1], [1, 0])).toBe(1);
    expect(averagePrecision([0.9, 0.1], [0, 0])).toBeNaN();
    expect(rocAuc([0.9, 0.1], [1, 1])).toBeNaN();
  });

  it('draws curves from (0,0) to (1,1)', () => {
    const c = curves([0.9, 0.8, 0.7, 0.6], [1, 0, 1, 0]);
    expect(c.roc[0]).toMatchObject({ fpr: 0, tpr: 0 });
    expect(c.roc.at(-1)).toMatchObject({ fpr: 1, tpr: 1 });
    expect(c.pr.map((p) => p.recall)).toEqual([0.5, 0.5, 1, 1]);
  });
});

describe('threshold decisions', () => {
  const scores = [0.9, 0.8, 0.7, 0.6, 0.2];
  const labels = [1, 0, 1, 0, 1];

  it('confusion matrix and precision/recall/F1 at a threshold by hand', () => {
    // >= .7 flags .9(1) .8(0) .7(1): TP 2 FP 1; not flagged .6(0) .2(1): TN 1 FN 1
    expect(atThreshold(scores, labels, 0.7)).toEqual({ threshold: 0.7, tp: 2, fp: 1, tn: 1, fn: 1, precision: 2 / 3, recall: 2 / 3, f1: 2 / 3 });
  });

  it('target precision picks the lowest threshold reaching it', () => {
    // precision at .9: 1, at .8: .5, at .7: 2/3, at .6: .5, at .2: .6
    expect(chooseThreshold(scores, labels, { kind: 'target-precision', precision: 0.6 })).toBe(0.2);
    expect(chooseThreshold(scores, labels, { kind: 'target-precision', precision: 0.66 })).toBe(0.7);
    expect(chooseThreshold(scores, labels, { kind: 'target-precision', precision: 1.1 })).toBe(0.9);
  });

  it('min cost weighs missed frauds against false alarms', () => {
    // cost(t) = FN*10 + FP*1: none 30; .9: 20+0=20; .8: 20+1=21; .7: 10+1=11; .6: 10+2=12; .2: 0+2=2
    expect(chooseThreshold(scores, labels, { kind: 'min-cost', missedFraudCost: 10, falseAlarmCost: 1 })).toBe(0.2);
    // with false alarms at 10 too: .9: 20; .7: 10+10=20; .2: 20; none 30 -> first minimum .9
    expect(chooseThreshold(scores, labels, { kind: 'min-cost', missedFraudCost: 10, falseAlarmCost: 10 })).toBe(0.9);
  });
});

describe('card precision@k', () => {
  it('takes each card\'s highest score of the day and averages over days', () => {
    const rows = [
      { day: 'd1', card: 'a', score: 0.9, label: 0 }, { day: 'd1', card: 'a', score: 0.1, label: 1 },
      { day: 'd1', card: 'b', score: 0.8, label: 0 }, { day: 'd1', card: 'c', score: 0.2, label: 1 },
      { day: 'd2', card: 'a', score: 0.3, label: 0 }, { day: 'd2', card: 'b', score: 0.7, label: 1 },
    ];
    // d1: cards a(.9, fraud) b(.8) c(.2, fraud): top 2 = a, b -> 1/2 ; d2: b(.7 fraud) a(.3): top 2 -> 1/2
    expect(cardPrecisionAtK(rows, 2)).toEqual({ mean: 0.5, perDay: [{ day: 'd1', precision: 0.5 }, { day: 'd2', precision: 0.5 }] });
  });
});

describe('score drift', () => {
  it('histograms scores into equal bins and computes PSI by hand', async () => {
    const { histogram, psi } = await import('../../shared/metrics/histogram.ts');
    expect(histogram([0, 0.1, 0.55, 0.99, 1], 2)).toEqual({ edges: [0, 0.5, 1], counts: [2, 3] });
    // expected shares .5/.5, actual .25/.75: (.25-.5) ln(.25/.5) + (.75-.5) ln(.75/.5) = .25 ln 2 + .25 ln 1.5
    expect(psi([50, 50], [25, 75])).toBeCloseTo(0.25 * Math.log(2) + 0.25 * Math.log(1.5), 12);
    expect(psi([10, 10], [10, 10])).toBe(0);
  });
});
