// Trains one TensorFlow.js model with class weights, early-stopping on validation AUPRC, from a seed.
import * as tf from '@tensorflow/tfjs';
import { averagePrecision } from '../../shared/metrics/ranking.ts';
import { predictScaled } from '../../shared/model/predict.ts';
import { Random } from '../../shared/synth/random.ts';

export type ModelKind = 'logistic-regression' | 'mlp';

export interface TrainOptions {
  readonly kind: ModelKind;
  readonly maxEpochs: number;
  readonly seed: number;
  /** Epochs without a better validation AUPRC before stopping. */
  readonly patience?: number;
  readonly batchSize?: number;
  readonly learningRate?: number;
  /** Called after every epoch (progress bars, benchmarks). */
  readonly onEpoch?: (e: { epoch: number; auprc: number; ms: number }) => void;
}

export interface Trained {
  readonly kind: ModelKind;
  /** The weights of the best epoch. */
  readonly model: tf.LayersModel;
  readonly auprc: number;
  /** The best epoch (1-based). */
  readonly epochs: number;
  readonly epochsRun: number;
  readonly validationScores: Float32Array;
}

const DEFAULTS = { patience: 2, learningRate: { 'logistic-regression': 0.01, mlp: 0.003 } };

/** 2048 rows a step on large histories (285k rows: ~140 steps an epoch); on small ones at least ~64 steps an epoch. */
export function defaultBatchSize(rows: number): number {
  return Math.min(2048, Math.max(128, Math.ceil(rows / 64)));
}

function build(kind: ModelKind, width: number, seed: number): tf.LayersModel {
  const init = (k: number) => tf.initializers.glorotUniform({ seed: seed + k });
  const layers = kind === 'logistic-regression'
    ? [tf.layers.dense({ inputShape: [width], units: 1, activation: 'sigmoid', kernelInitializer: init(0) })]
    : [
        tf.layers.dense({ inputShape: [width], units: 16, activation: 'relu', kernelInitializer: init(0) }),
        tf.layers.dense({ units: 8, activation: 'relu', kernelInitializer: init(1) }),
        tf.layers.dense({ units: 1, activation: 'sigmoid', kernelInitializer: init(2) }),
      ];
  return tf.sequential({ layers });
}

/** `x`, `xVal`: standardised rows, `width` floats each; `y`, `yVal`: 0/1 labels. */
export async function trainModel(x: Float32Array, y: Uint8Array, xVal: Float32Array, yVal: Uint8Array, width: number, o: TrainOptions): Promise<Trained> {
  const n = y.length;
  const patience = o.patience ?? DEFAULTS.patience;
  const positives = y.reduce((s, v) => s + v, 0);
  // Balanced class weights: the 0.17% of frauds weigh as much in total as the rest.
  const classWeight = { 0: n / (2 * Math.max(1, n - positives)), 1: n / (2 * Math.max(1, positives)) };
  const model = build(o.kind, width, o.seed);
  model.compile({ optimizer: tf.train.adam(o.learningRate ?? DEFAULTS.learningRate[o.kind]), loss: 'binaryCrossentropy' });
  const rnd = new Random(o.seed);
  const order = Uint32Array.from({ length: n }, (_, i) => i);
  const xs = new Float32Array(n * width);
  const ys = new Float32Array(n);
  let best: { auprc: number; epoch: number; weights: tf.Tensor[]; scores: Float32Array } = { auprc: -1, epoch: 0, weights: [], scores: new Float32Array(0) };
  let epoch = 0;
  try {
    while (epoch < o.maxEpochs) {
      epoch++;
      const t0 = performance.now();
      // Our own seeded shuffle: tf.js shuffles with Math.random, which would make runs differ.
      for (let i = n - 1; i > 0; i--) {
        const j = Math.floor(rnd.next() * (i + 1));
        const t = order[i]!;
        order[i] = order[j]!;
        order[j] = t;
      }
      for (let i = 0; i < n; i++) {
        xs.set(x.subarray(order[i]! * width, (order[i]! + 1) * width), i * width);
        ys[i] = y[order[i]!]!;
      }
      const xt = tf.tensor2d(xs, [n, width]);
      const yt = tf.tensor2d(ys, [n, 1]);
      try {
        await model.fit(xt, yt, { epochs: 1, batchSize: o.batchSize ?? defaultBatchSize(n), shuffle: false, classWeight, verbose: 0 });
      } finally {
        xt.dispose();
        yt.dispose();
      }
      const scores = predictScaled(model, xVal, width);
      const auprc = averagePrecision(scores, yVal);
      o.onEpoch?.({ epoch, auprc, ms: performance.now() - t0 });
      if (auprc > best.auprc) {
        best.weights.forEach((w) => w.dispose());
        best = { auprc, epoch, weights: model.getWeights().map((w) => w.clone()), scores };
      } else if (epoch - best.epoch >= patience) break;
    }
    model.setWeights(best.weights);
  } catch (e) {
    model.dispose();
    throw e;
  } finally {
    best.weights.forEach((w) => w.dispose());
  }
  return { kind: o.kind, model, auprc: best.auprc, epochs: best.epoch, epochsRun: epoch, validationScores: best.scores };
}
