// The plain-TypeScript forward pass gives tf.js's probabilities and occlusion reasons, with the scaler folded in.
import * as tf from '../../shared/model/tf.ts';
import { beforeAll, describe, expect, it } from 'vitest';
import { tfReady } from '../../shared/model/tf-backend.ts';
import { DenseNet } from '../../shared/model/dense-net.ts';
import { predictScaled, scaleRows } from '../../shared/model/predict.ts';
import { Random } from '../../shared/synth/random.ts';

const WIDTH = 30;
const rng = new Random(7);
const random = () => rng.next();
const scaler = {
  mean: Array.from({ length: WIDTH }, () => (random() - 0.5) * 200),
  std: Array.from({ length: WIDTH }, () => 0.1 + random() * 50),
};
const rows = Float32Array.from(
  { length: 500 * WIDTH },
  (_, i) => scaler.mean[i % WIDTH]! + (random() - 0.5) * 4 * scaler.std[i % WIDTH]!,
);
const seeded = (seed: number) => tf.initializers.glorotUniform({ seed });

function mlp(): tf.LayersModel {
  return tf.sequential({
    layers: [
      tf.layers.dense({
        inputShape: [WIDTH],
        units: 16,
        activation: 'relu',
        kernelInitializer: seeded(1),
        biasInitializer: tf.initializers.randomNormal({ seed: 4, stddev: 0.3 }),
      }),
      tf.layers.dense({
        units: 8,
        activation: 'relu',
        kernelInitializer: seeded(2),
        biasInitializer: tf.initializers.randomNormal({ seed: 5, stddev: 0.3 }),
      }),
      tf.layers.dense({ units: 1, activation: 'sigmoid', kernelInitializer: seeded(3) }),
    ],
  });
}
const logistic = () =>
  tf.sequential({
    layers: [
      tf.layers.dense({
        inputShape: [WIDTH],
        units: 1,
        activation: 'sigmoid',
        kernelInitializer: seeded(9),
        biasInitializer: tf.initializers.constant({ value: -1.5 }),
      }),
    ],
  });

/** tf.js occlusion: each standardised feature set to 0, the drop in probability. */
function tfReasons(
  model: tf.LayersModel,
  scaled: Float32Array,
  row: number,
): Array<{ feature: string; contribution: number }> {
  const one = scaled.slice(row * WIDTH, (row + 1) * WIDTH);
  const score = predictScaled(model, one, WIDTH)[0]!;
  const probe = new Float32Array(WIDTH * WIDTH);
  for (let f = 0; f < WIDTH; f++) {
    probe.set(one, f * WIDTH);
    probe[f * WIDTH + f] = 0;
  }
  const occluded = predictScaled(model, probe, WIDTH);
  return Array.from({ length: WIDTH }, (_, f) => ({ feature: `f${f}`, contribution: score - occluded[f]! })).sort(
    (a, b) => b.contribution - a.contribution,
  );
}

beforeAll(async () => {
  await tfReady();
});

const CASES = [
  ['logistic regression', logistic, true],
  ['16-8-1 MLP', mlp, true],
  ['16-8-1 MLP, loop', mlp, false],
] as const;

describe.each(CASES)('DenseNet (%s)', (_name, build, compile) => {
  it('gives the probabilities tf.js gives on the standardised rows', () => {
    const model = build();
    const net = DenseNet.fromModel(model, scaler, { compile })!;
    expect(net.isCompiled).toBe(compile);
    const ours = net.predict(rows);
    const theirs = predictScaled(model, scaleRows(rows, WIDTH, scaler), WIDTH);
    expect(ours).toHaveLength(500);
    let worst = 0;
    for (let i = 0; i < 500; i++) worst = Math.max(worst, Math.abs(ours[i]! - theirs[i]!));
    expect(worst).toBeLessThan(2e-5);
    expect(new Set(Array.from(theirs, (p) => p.toFixed(2))).size).toBeGreaterThan(5); // the rows really differ
  });

  it('names the same top reasons as tf.js occlusion, with the same contributions', () => {
    const model = build();
    const names = Array.from({ length: WIDTH }, (_, f) => `f${f}`);
    const net = DenseNet.fromModel(model, scaler, { compile })!;
    const scaled = scaleRows(rows, WIDTH, scaler);
    const ours = net.explain(rows.subarray(0, 20 * WIDTH), names, 3);
    for (let r = 0; r < 20; r++) {
      const theirs = tfReasons(model, scaled, r).slice(0, 3);
      expect(ours[r]!.map((x) => x.feature)).toEqual(theirs.map((x) => x.feature));
      ours[r]!.forEach((x, k) => expect(x.contribution).toBeCloseTo(theirs[k]!.contribution, 4));
    }
  });
});

describe('DenseNet.fromModel', () => {
  it('declines what it does not compute exactly (other layers, other activations), leaving it to tf.js', () => {
    const withDropout = tf.sequential({
      layers: [
        tf.layers.dense({ inputShape: [WIDTH], units: 4, activation: 'relu' }),
        tf.layers.dropout({ rate: 0.1 }),
        tf.layers.dense({ units: 1, activation: 'sigmoid' }),
      ],
    });
    const tanh = tf.sequential({ layers: [tf.layers.dense({ inputShape: [WIDTH], units: 1, activation: 'tanh' })] });
    expect(DenseNet.fromModel(withDropout, scaler)).toBeNull();
    expect(DenseNet.fromModel(tanh, scaler)).toBeNull();
    expect(DenseNet.fromModel(logistic(), { mean: [0], std: [1] })).toBeNull();
  });
});
