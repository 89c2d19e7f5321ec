// The plain TypeScript MLP trainer: exact gradients, and what it validated is what the stored tf.js layout scores.
import { beforeAll, describe, expect, it } from 'vitest';
import { tfReady } from '../../shared/model/tf-backend.ts';
import { Random } from '../../shared/synth/random.ts';
import { averagePrecision } from '../../shared/metrics/ranking.ts';
import { predictScaled } from '../../shared/model/predict.ts';
import { kaggleMatrix } from '../../shared/synth/kaggle.ts';
import { fitScaler, applyScaler } from '../../shared/model/scaler.ts';
import { timeSplit } from '../../functions/retrain/split.ts';
import { trainModel } from '../../functions/retrain/train.ts';
import { forward, initialParameters, layout } from '../../functions/retrain/mlp/network.ts';
import { batchGradient, scratchFor } from '../../functions/retrain/mlp/step.ts';

beforeAll(tfReady);

/** The batch loss batchGradient differentiates: mean of class-weighted binary cross-entropy, in float64. */
function loss(
  theta: Float32Array,
  shape: ReturnType<typeof layout>,
  x: Float32Array,
  y: Uint8Array,
  cw: [number, number],
) {
  const act = new Float64Array(shape.activations);
  let s = 0;
  for (let r = 0; r < y.length; r++) {
    const p = forward(shape, theta, x, r, act);
    s += cw[y[r]!]! * -(y[r] === 1 ? Math.log(p) : Math.log(1 - p));
  }
  return s / y.length;
}

describe('mlp trainer', () => {
  it('computes the gradient of the class-weighted cross-entropy (checked by central differences)', () => {
    const rnd = new Random(3);
    const width = 5;
    const rows = 40;
    const x = Float32Array.from({ length: rows * width }, () => rnd.normal());
    const y = Uint8Array.from({ length: rows }, () => (rnd.next() < 0.3 ? 1 : 0));
    const shape = layout([width, 16, 8, 1]);
    const theta = initialParameters(shape, 7);
    for (let k = 0; k < theta.length; k++) theta[k] = theta[k]! + 0.05 * rnd.normal(); // biases off zero too
    const s = scratchFor(shape);
    const cw: [number, number] = [1, 4];
    batchGradient(
      shape,
      theta,
      x,
      y,
      Uint32Array.from({ length: rows }, (_, i) => i),
      [0, rows],
      cw,
      s,
    );
    // float32 parameters: a step of 1e-3 is exact to represent relative to its size and keeps the relu kinks away.
    let checked = 0;
    for (let k = 0; k < theta.length; k += 7) {
      const t0 = theta[k]!;
      const h = 1e-3;
      theta[k] = t0 + h;
      const up = loss(theta, shape, x, y, cw);
      theta[k] = t0 - h;
      const down = loss(theta, shape, x, y, cw);
      theta[k] = t0;
      const numeric = (up - down) / (Math.fround(t0 + h) - Math.fround(t0 - h));
      expect(Math.abs(s.grad[k]! - numeric)).toBeLessThan(2e-3 * Math.max(1, Math.abs(numeric)));
      checked++;
    }
    expect(checked).toBeGreaterThan(20);
  });

  it('stores what it validated: the tf.js model built from its weights scores the validation rows as it did', async () => {
    const d = kaggleMatrix(20_000, 4);
    const split = timeSplit(d.time, { validationFraction: 0.25, gapSeconds: 0 });
    const scaler = fitScaler(d.features, d.width, split.train);
    const x = applyScaler(d.features, d.width, split.train, scaler);
    const xv = applyScaler(d.features, d.width, split.validation, scaler);
    const yv = d.labels.subarray(...split.validation);
    const t = await trainModel(x, d.labels.subarray(...split.train), xv, yv, d.width, {
      kind: 'mlp',
      maxEpochs: 2,
      seed: 5,
    });
    const viaTf = predictScaled(t.model, xv, d.width);
    let worst = 0;
    for (let i = 0; i < viaTf.length; i++) worst = Math.max(worst, Math.abs(viaTf[i]! - t.validationScores[i]!));
    expect(worst).toBeLessThan(1e-5);
    expect(averagePrecision(viaTf, yv)).toBeCloseTo(t.auprc, 4);
    expect(t.model.layers.map((l) => l.getConfig().units)).toEqual([16, 8, 1]);
    t.model.dispose();
  });
});
