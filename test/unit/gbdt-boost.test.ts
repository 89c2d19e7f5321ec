// The GBDT trainer on generated data: the loss falls, early stopping stops, class weights lift scores, a seed repeats.
import { describe, expect, it } from 'vitest';
import { trainGbdt } from '../../shared/model/gbdt/boost.ts';
import { forestToJson, walkMargins, sigmoid } from '../../shared/model/gbdt/forest.ts';
import { averagePrecision } from '../../shared/metrics/ranking.ts';
import { Random } from '../../shared/synth/random.ts';

const WIDTH = 6;

/** Rare positives (~5%) driven by an interaction and a threshold, plus label noise: trees have something to find. */
function generated(rows: number, seed: number): { x: Float32Array; y: Uint8Array } {
  const rnd = new Random(seed);
  const x = new Float32Array(rows * WIDTH);
  const y = new Uint8Array(rows);
  for (let r = 0; r < rows; r++) {
    for (let f = 0; f < WIDTH; f++) x[r * WIDTH + f] = rnd.normal();
    const a = x[r * WIDTH]!;
    const b = x[r * WIDTH + 1]!;
    const c = x[r * WIDTH + 2]!;
    const logit = -4 + 2.5 * (a > 1 ? 1 : 0) + 1.5 * a * b + (c > 0.5 && b < 0 ? 1.5 : 0);
    y[r] = rnd.next() < sigmoid(logit) ? 1 : 0;
  }
  return { x, y };
}

const train = generated(6000, 1);
const val = generated(3000, 2);

describe('gbdt boosting', () => {
  it('lowers the training log-loss every round', () => {
    const b = trainGbdt(train.x, train.y, WIDTH, { rounds: 40, earlyStoppingRounds: 0, trackTrainLoss: true });
    expect(b.rounds).toHaveLength(40);
    for (let i = 1; i < b.rounds.length; i++) expect(b.rounds[i]!.trainLoss!).toBeLessThan(b.rounds[i - 1]!.trainLoss!);
    // It learns the structure: validation AP well above the ~5% a constant scores.
    expect(averagePrecision(walkMargins(b.forest, val.x), val.y)).toBeGreaterThan(0.3);
  });

  it('stops once validation has not improved for earlyStoppingRounds and keeps the best round', () => {
    // Deep trees, a high rate: validation log-loss turns up within a few dozen rounds.
    const b = trainGbdt(
      train.x,
      train.y,
      WIDTH,
      { rounds: 500, learningRate: 0.5, maxDepth: 8, maxLeaves: 200, earlyStoppingRounds: 5, metric: 'logloss' },
      val,
    );
    expect(b.rounds.length).toBeLessThan(500);
    expect(b.rounds.length).toBe(b.bestRound + 5);
    expect(b.forest.trees).toHaveLength(b.bestRound);
    const best = Math.min(...b.rounds.map((r) => r.validation!));
    expect(b.bestValidation).toBe(best);
    expect(b.rounds[b.bestRound - 1]!.validation).toBe(best);
    // The margins it reports are the kept forest's.
    expect([...b.validationMargins]).toEqual([...walkMargins(b.forest, val.x)]);
  });

  it('early-stops on average precision, higher being better', () => {
    const b = trainGbdt(
      train.x,
      train.y,
      WIDTH,
      { rounds: 300, earlyStoppingRounds: 10, metric: 'average-precision' },
      val,
    );
    expect(b.bestValidation).toBe(Math.max(...b.rounds.map((r) => r.validation!)));
    expect(b.bestValidation).toBeCloseTo(averagePrecision(walkMargins(b.forest, val.x), val.y), 12);
  });

  it('raises fraud scores when frauds weigh more (scalePosWeight)', () => {
    const opts = { rounds: 30, earlyStoppingRounds: 0 };
    const plain = walkMargins(trainGbdt(train.x, train.y, WIDTH, opts).forest, val.x);
    const weighted = walkMargins(trainGbdt(train.x, train.y, WIDTH, { ...opts, scalePosWeight: 10 }).forest, val.x);
    const mean = (m: Float64Array) => m.reduce((s, v) => s + sigmoid(v), 0) / m.length;
    expect(mean(weighted)).toBeGreaterThan(mean(plain) * 2);
    // Weighting moves scores, not (much) the ranking.
    expect(averagePrecision(weighted, val.y)).toBeGreaterThan(averagePrecision(plain, val.y) - 0.1);
  });

  it('gives the same forest for the same seed, row subsampling included, and another for another seed', () => {
    const opts = { rounds: 15, subsample: 0.6, binSampleRows: 2000, earlyStoppingRounds: 0 };
    const a = forestToJson(trainGbdt(train.x, train.y, WIDTH, { ...opts, seed: 3 }).forest);
    const b = forestToJson(trainGbdt(train.x, train.y, WIDTH, { ...opts, seed: 3 }).forest);
    const c = forestToJson(trainGbdt(train.x, train.y, WIDTH, { ...opts, seed: 4 }).forest);
    expect(JSON.stringify(a)).toBe(JSON.stringify(b));
    expect(JSON.stringify(a)).not.toBe(JSON.stringify(c));
  });

  it('keeps every tree within maxLeaves and maxDepth', () => {
    const { forest } = trainGbdt(train.x, train.y, WIDTH, {
      rounds: 10,
      maxLeaves: 5,
      maxDepth: 3,
      minChildWeight: 0,
      earlyStoppingRounds: 0,
    });
    for (const t of forest.trees) {
      expect(t.feature.filter((f) => f < 0).length).toBeLessThanOrEqual(5);
      const depth = (n: number): number =>
        t.feature[n]! < 0 ? 0 : 1 + Math.max(depth(t.left[n]!), depth(t.right[n]!));
      expect(depth(0)).toBeLessThanOrEqual(3);
    }
  });
});
