// Newton's method reaches the optimum of the penalised log-loss: the gradient vanishes there, and a known model is recovered.
import { describe, expect, it } from 'vitest';
import { fitLogisticNewton } from '../../functions/retrain/logistic-newton.ts';
import { Random } from '../../shared/synth/random.ts';

function data(n: number, truth: number[], bias: number, seed: number) {
  const rnd = new Random(seed);
  const d = truth.length;
  const x = new Float32Array(n * d);
  const y = new Uint8Array(n);
  for (let r = 0; r < n; r++) {
    let z = bias;
    for (let j = 0; j < d; j++) {
      x[r * d + j] = rnd.normal();
      z += truth[j]! * x[r * d + j]!;
    }
    y[r] = rnd.next() < 1 / (1 + Math.exp(-z)) ? 1 : 0;
  }
  return { x, y, d };
}

describe('logistic regression by Newton', () => {
  it('recovers the weights that generated the labels', () => {
    const truth = [1.5, -2, 0.5, 0];
    const { x, y, d } = data(40_000, truth, -1, 3);
    const fit = fitLogisticNewton(x, y, d, { l2: 1, classWeight: [1, 1] });
    expect(fit.converged).toBe(true);
    fit.weights.forEach((w, j) => expect(w).toBeCloseTo(truth[j]!, 1));
    expect(fit.bias).toBeCloseTo(-1, 1);
  });

  it('stops where the gradient of the weighted, penalised loss is zero', () => {
    const { x, y, d } = data(5_000, [0.8, -0.3, 2], -3, 9);
    const classWeight = [0.6, 4] as const;
    const l2 = 2;
    const fit = fitLogisticNewton(x, y, d, { l2, classWeight });
    const grad = new Float64Array(d + 1);
    for (let r = 0; r < y.length; r++) {
      let z = fit.bias;
      for (let j = 0; j < d; j++) z += fit.weights[j]! * x[r * d + j]!;
      const g = classWeight[y[r]!]! * (1 / (1 + Math.exp(-z)) - y[r]!);
      for (let j = 0; j < d; j++) grad[j] = grad[j]! + g * x[r * d + j]!;
      grad[d] = grad[d]! + g;
    }
    for (let j = 0; j < d; j++) grad[j] = grad[j]! + l2 * fit.weights[j]!;
    for (const g of grad) expect(Math.abs(g)).toBeLessThan(1e-4);
  });

  it('stays finite on separable data thanks to the penalty', () => {
    const x = Float32Array.from([-2, -1, -0.5, 0.5, 1, 2]);
    const y = Uint8Array.from([0, 0, 0, 1, 1, 1]);
    const fit = fitLogisticNewton(x, y, 1, { l2: 1, classWeight: [1, 1] });
    expect(Number.isFinite(fit.weights[0]!)).toBe(true);
    expect(fit.weights[0]!).toBeGreaterThan(0);
  });
});
