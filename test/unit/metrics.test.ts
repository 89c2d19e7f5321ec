// Metrics checked against values worked out by hand on small cases, against scikit-learn on a tie-heavy case, and against brute force.
import { describe, expect, it } from 'vitest';
import { averagePrecision, rocAuc, curves } from '../../shared/metrics/ranking.ts';
import { atThreshold, chooseThreshold } from '../../shared/metrics/threshold.ts';
import { cardPrecisionAtK, cardPrecisionTopK } from '../../shared/metrics/card-precision.ts';
import { Random } from '../../shared/synth/random.ts';

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

  it('does not credit a positive for sharing its score with negatives', () => {
    // .3(1) .3(0) .3(0) .3(0) .9(0) .1(0): thresholds .9: TP0 FP1 (R=0); .3: TP1 FP4 -> P=.2, R=1; .1: R stays 1.
    // AP = 1 * .2 = .2 (sklearn: 0.2). AUC: the positive vs negatives: 3 ties (1.5) + loses to .9 + beats .1 -> 2.5/5 = .5
    expect(averagePrecision([0.3, 0.3, 0.3, 0.3, 0.9, 0.1], [1, 0, 0, 0, 0, 0])).toBeCloseTo(0.2, 12);
    expect(rocAuc([0.3, 0.3, 0.3, 0.3, 0.9, 0.1], [1, 0, 0, 0, 0, 0])).toBeCloseTo(0.5, 12);
  });

  it('matches scikit-learn on a tie-heavy case', () => {
    // 30 scores on a 0.1 grid (11 distinct values). Reference values from scikit-learn 1.9.1:
    // average_precision_score -> 0.4840138679603563, roc_auc_score -> 0.5475113122171946,
    // at 0.5: confusion (tn, fp, fn, tp) = (6, 11, 4, 9), precision .45, recall 9/13, f1 .5454...
    const s = [
      0.2, 0.5, 0.4, 0.6, 0.6, 0.1, 0.0, 0.8, 0.3, 0.2, 1.0, 0.5, 0.8, 0.5, 0.6, 0.2, 0.6, 0.9, 0.5, 0.7, 0.7, 0.1, 0.8,
      0.6, 0.3, 0.0, 0.9, 0.5, 0.7, 0.9,
    ];
    const y = [0, 0, 1, 0, 1, 0, 0, 1, 1, 1, 0, 1, 1, 1, 1, 0, 1, 1, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 1];
    expect(averagePrecision(s, y)).toBeCloseTo(0.4840138679603563, 12);
    expect(rocAuc(s, y)).toBeCloseTo(0.5475113122171946, 12);
    expect(atThreshold(s, y, 0.5)).toMatchObject({ tn: 6, fp: 11, fn: 4, tp: 9, precision: 0.45, recall: 9 / 13 });
    expect(atThreshold(s, y, 0.5).f1).toBeCloseTo(0.5454545454545454, 12);
    expect(curves(s, y).pr).toHaveLength(11);
  });

  it('agrees with the brute-force definitions on random tied scores', () => {
    const rnd = new Random(11);
    for (let trial = 0; trial < 20; trial++) {
      const n = 5 + rnd.int(0, 60);
      const s = Array.from({ length: n }, () => Math.round(rnd.next() * 8) / 8);
      const y = s.map((v) => (rnd.next() < 0.15 + 0.5 * v ? 1 : 0));
      const pos = y.filter((v) => v === 1).length;
      if (pos === 0 || pos === n) continue;
      // AUC: every positive/negative pair, a tie counting half.
      let wins = 0;
      for (let i = 0; i < n; i++)
        for (let j = 0; j < n; j++) if (y[i] === 1 && y[j] === 0) wins += s[i]! > s[j]! ? 1 : s[i] === s[j] ? 0.5 : 0;
      expect(rocAuc(s, y)).toBeCloseTo(wins / (pos * (n - pos)), 12);
      // AP: at each distinct threshold, precision and recall counted from scratch.
      let ap = 0;
      let prevRecall = 0;
      for (const t of [...new Set(s)].sort((a, b) => b - a)) {
        const flagged = s.map((v, i) => [v >= t, y[i] === 1] as const);
        const tp = flagged.filter(([f, l]) => f && l).length;
        const recall = tp / pos;
        ap += (recall - prevRecall) * (tp / flagged.filter(([f]) => f).length);
        prevRecall = recall;
      }
      expect(averagePrecision(s, y)).toBeCloseTo(ap, 12);
    }
  });

  it('is 1 for a perfect ranking, NaN when a class is missing, and refuses NaN scores or labels other than 0/1', () => {
    expect(averagePrecision([0.9, 0.1], [1, 0])).toBe(1);
    expect(rocAuc([0.9, 0.1], [1, 0])).toBe(1);
    // No positive: recall is undefined -> NaN (sklearn warns and answers the same way for AP).
    expect(averagePrecision([0.9, 0.1], [0, 0])).toBeNaN();
    // One class only: AUC undefined -> NaN (sklearn raises).
    expect(rocAuc([0.9, 0.1], [1, 1])).toBeNaN();
    expect(averagePrecision([], [])).toBeNaN();
    expect(() => averagePrecision([0.9, Number.NaN], [1, 0])).toThrow(
      expect.objectContaining({ code: 'INPUT_INVALID' }),
    );
    expect(() => rocAuc([0.9, 0.1], [1, 2])).toThrow(expect.objectContaining({ code: 'INPUT_INVALID' }));
    expect(() => rocAuc([0.9], [1, 0])).toThrow(expect.objectContaining({ code: 'INPUT_INVALID' }));
  });

  it('draws curves from (0,0) to (1,1)', () => {
    const c = curves([0.9, 0.8, 0.7, 0.6], [1, 0, 1, 0]);
    expect(c.roc[0]).toMatchObject({ fpr: 0, tpr: 0 });
    expect(c.roc.at(-1)).toMatchObject({ fpr: 1, tpr: 1 });
    expect(c.pr.map((p) => p.recall)).toEqual([0.5, 0.5, 1, 1]);
    // precision at each threshold: 1/1, 1/2, 2/3, 2/4
    expect(c.pr.map((p) => p.precision)).toEqual([1, 0.5, 2 / 3, 0.5]);
  });

  it('thins curves for reports to at most the asked number of points, keeping the end', () => {
    const s = Array.from({ length: 1000 }, (_, i) => i / 1000);
    const y = s.map((_, i) => (i % 7 === 0 ? 1 : 0));
    const c = curves(s, y, 50);
    expect(c.pr.length).toBeLessThanOrEqual(50);
    expect(c.pr.length).toBeGreaterThan(40);
    expect(c.roc.length).toBe(c.pr.length + 1);
    expect(c.pr.at(-1)).toMatchObject({ recall: 1, threshold: 0 });
    expect(c.roc.at(-1)).toMatchObject({ fpr: 1, tpr: 1 });
  });
});

describe('threshold decisions', () => {
  const scores = [0.9, 0.8, 0.7, 0.6, 0.2];
  const labels = [1, 0, 1, 0, 1];

  it('confusion matrix and precision/recall/F1 at a threshold by hand', () => {
    // >= .7 flags .9(1) .8(0) .7(1): TP 2 FP 1; not flagged .6(0) .2(1): TN 1 FN 1
    expect(atThreshold(scores, labels, 0.7)).toEqual({
      threshold: 0.7,
      tp: 2,
      fp: 1,
      tn: 1,
      fn: 1,
      precision: 2 / 3,
      recall: 2 / 3,
      f1: 2 / 3,
    });
    // Above every score nothing is flagged: precision 0 by convention (sklearn's zero_division=0), recall 0.
    expect(atThreshold(scores, labels, 0.95)).toEqual({
      threshold: 0.95,
      tp: 0,
      fp: 0,
      tn: 2,
      fn: 3,
      precision: 0,
      recall: 0,
      f1: 0,
    });
  });

  it('target precision picks the lowest threshold reaching it', () => {
    // precision at .9: 1, at .8: .5, at .7: 2/3, at .6: .5, at .2: .6
    expect(chooseThreshold(scores, labels, { kind: 'target-precision', precision: 0.6 })).toEqual({
      threshold: 0.2,
      reached: true,
    });
    expect(chooseThreshold(scores, labels, { kind: 'target-precision', precision: 0.66 })).toEqual({
      threshold: 0.7,
      reached: true,
    });
    // Unreachable: the most precise threshold, and the caller is told.
    expect(chooseThreshold(scores, labels, { kind: 'target-precision', precision: 1.1 })).toEqual({
      threshold: 0.9,
      reached: false,
    });
  });

  it('min cost weighs missed frauds against false alarms', () => {
    // cost(t) = FN*10 + FP*1: none 30; .9: 20+0=20; .8: 20+1=21; .7: 10+1=11; .6: 10+2=12; .2: 0+2=2
    expect(
      chooseThreshold(scores, labels, { kind: 'min-cost', missedFraudCost: 10, falseAlarmCost: 1 }).threshold,
    ).toBe(0.2);
    // with false alarms at 10 too: .9: 20; .7: 10+10=20; .2: 20; none 30 -> first (highest) minimum .9
    expect(
      chooseThreshold(scores, labels, { kind: 'min-cost', missedFraudCost: 10, falseAlarmCost: 10 }).threshold,
    ).toBe(0.9);
  });

  it('min cost can decide to flag nothing, even when the top score is exactly 1', () => {
    // scores 1(0) .5(1), a miss costs 1, an alarm 5: flag nothing = 1; at 1: 1 + 5 = 6; at .5: 0 + 5 = 5 -> flag nothing,
    // so the threshold must sit above 1 (a threshold of 1 would still flag the top score).
    const t = chooseThreshold([1, 0.5], [0, 1], { kind: 'min-cost', missedFraudCost: 1, falseAlarmCost: 5 }).threshold;
    expect(t).toBeGreaterThan(1);
    expect(atThreshold([1, 0.5], [0, 1], t)).toMatchObject({ tp: 0, fp: 0 });
  });

  it('refuses to choose a threshold on a window without fraud', () => {
    expect(() => chooseThreshold([0.3, 0.2], [0, 0], { kind: 'target-precision', precision: 0.5 })).toThrow(
      expect.objectContaining({ code: 'INPUT_INVALID' }),
    );
  });
});

describe('card precision@k', () => {
  it("takes each card's highest score of the day and averages over days", () => {
    const rows = [
      { day: 'd1', card: 'a', score: 0.9, label: 0 },
      { day: 'd1', card: 'a', score: 0.1, label: 1 },
      { day: 'd1', card: 'b', score: 0.8, label: 0 },
      { day: 'd1', card: 'c', score: 0.2, label: 1 },
      { day: 'd2', card: 'a', score: 0.3, label: 0 },
      { day: 'd2', card: 'b', score: 0.7, label: 1 },
    ];
    // d1: cards a(.9, fraud) b(.8) c(.2, fraud): top 2 = a, b -> 1/2 ; d2: b(.7 fraud) a(.3): top 2 -> 1/2
    expect(cardPrecisionAtK(rows, 2)).toEqual({
      mean: 0.5,
      perDay: [
        { day: 'd1', precision: 0.5 },
        { day: 'd2', precision: 0.5 },
      ],
    });
  });

  it('divides by k on a day with fewer than k cards, as the handbook does, and is NaN without rows', () => {
    // d1: one card, fraudulent -> 1/3 ; d2: cards x (fraud), y (fraud), z: top 3 -> 2/3 ; mean 1/2
    const rows = [
      { day: 'd1', card: 'a', score: 0.5, label: 1 },
      { day: 'd2', card: 'x', score: 0.2, label: 1 },
      { day: 'd2', card: 'y', score: 0.9, label: 1 },
      { day: 'd2', card: 'z', score: 0.4, label: 0 },
    ];
    const r = cardPrecisionAtK(rows, 3);
    expect(r.perDay.map((d) => d.precision)).toEqual([1 / 3, 2 / 3]);
    expect(r.mean).toBeCloseTo(0.5, 12);
    expect(cardPrecisionAtK([], 100).mean).toBeNaN();
  });

  it('breaks ties at the k-th place by card id, whatever the input order', () => {
    // b and c tie at .5 for the one slot: c is fraudulent, b is not; by id b comes first -> 0
    const rows = [
      { day: 'd', card: 'c', score: 0.5, label: 1 },
      { day: 'd', card: 'b', score: 0.5, label: 0 },
    ];
    expect(cardPrecisionAtK(rows, 1).mean).toBe(0);
    expect(cardPrecisionAtK([...rows].reverse(), 1).mean).toBe(0);
  });

  it('removes the cards detected on earlier days, and only those, as the handbook does', () => {
    // k = 1. d1: a (.9, fraud) tops and is detected; c, a fraud outside the top, is not.
    // d2: a is gone, b (genuine) tops -> 0. d3: b tops again (a genuine card is never removed) -> 0.
    // d4: a (.99) is still gone, c tops -> 1. Without the removal d2 and d4 would both count a: [1, 1, 0, 1].
    const rows = [
      { day: 'd1', card: 'a', score: 0.9, label: 1 },
      { day: 'd1', card: 'c', score: 0.1, label: 1 },
      { day: 'd2', card: 'a', score: 0.95, label: 1 },
      { day: 'd2', card: 'b', score: 0.5, label: 0 },
      { day: 'd3', card: 'b', score: 0.9, label: 0 },
      { day: 'd3', card: 'c', score: 0.2, label: 1 },
      { day: 'd4', card: 'a', score: 0.99, label: 1 },
      { day: 'd4', card: 'c', score: 0.3, label: 1 },
    ];
    const r = cardPrecisionAtK(rows, 1);
    expect(r.perDay.map((d) => d.precision)).toEqual([1, 0, 0, 1]);
    expect(r.mean).toBe(0.5);
  });

  it('counts per day the compromised cards still in play, and refuses a non-finite score', () => {
    const r = cardPrecisionTopK(
      { day: [0, 0, 1, 1], card: [1, 2, 1, 3], score: [0.9, 0.1, 0.8, 0.2], label: [1, 1, 1, 0] },
      1,
    );
    // day 0: cards 1 and 2 compromised, 1 detected; day 1: card 1 gone, card 3 genuine -> 0 compromised left
    expect(r.perDay).toEqual([
      { day: 0, precision: 1, compromisedCards: 2 },
      { day: 1, precision: 0, compromisedCards: 0 },
    ]);
    expect(() => cardPrecisionTopK({ day: [0], card: [1], score: [Number.NaN], label: [0] })).toThrow(/score/);
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
