// Trains one model (a dense network, stored as a tf.js model, or a gradient-boosted forest) with class weights, early-stopping on validation AUPRC, from a seed.
import * as tf from '../../shared/model/tf.ts';
import { averagePrecision } from '../../shared/metrics/ranking.ts';
import { predictScaled } from '../../shared/model/predict.ts';
import { fitMlp } from './mlp/fit.ts';
import { tfLayout } from './mlp/network.ts';
import { GBDT_DEFAULTS, trainGbdt, type GbdtParams } from '../../shared/model/gbdt/boost.ts';
import { ForestModel } from '../../shared/model/gbdt/model.ts';
import type { GbdtArchitecture } from '../../shared/schema/model-manifest.ts';
import type { z } from 'zod';
import { fitLogisticNewton } from './logistic-newton.ts';

export type NetworkKind = 'logistic-regression' | 'mlp';
export type ModelKind = NetworkKind | 'gbdt';

/** The short name a version's id ends with. */
export function versionSuffix(kind: ModelKind): string {
  return kind === 'logistic-regression' ? 'lr' : kind;
}

export interface TrainOptions {
  readonly kind: ModelKind;
  readonly maxEpochs: number;
  readonly seed: number;
  /** Epochs without a better validation AUPRC before stopping. */
  readonly patience?: number;
  readonly batchSize?: number;
  readonly learningRate?: number;
  /** How the MLP weighs the rare frauds in its loss: balanced, the square root of balanced (default), or not at all. */
  readonly classWeighting?: 'balanced' | 'sqrt' | 'none';
  /** Called after every epoch (progress bars, benchmarks). */
  readonly onEpoch?: (e: { epoch: number; auprc: number; ms: number }) => void;
  /** GBDT hyper-parameters over GBDT_TRAIN_DEFAULTS (`maxEpochs` does not bound its rounds). */
  readonly gbdt?: Partial<GbdtParams>;
}

interface TrainedBase {
  readonly kind: ModelKind;
  readonly auprc: number;
  /** The best epoch (1-based). */
  readonly epochs: number;
  readonly epochsRun: number;
  readonly validationScores: Float32Array;
  /** How it was fitted, when that is not the default (e.g. the class weighting the logistic regression kept). */
  readonly detail?: string;
}

export interface TrainedNetwork extends TrainedBase {
  readonly kind: NetworkKind;
  /** The weights of the best epoch. */
  readonly model: tf.LayersModel;
}

export interface TrainedForest extends TrainedBase {
  readonly kind: 'gbdt';
  /** The trees up to the best round. */
  readonly model: ForestModel;
  /** For the manifest. */
  readonly architecture: z.infer<typeof GbdtArchitecture>;
}

export type Trained = TrainedNetwork | TrainedForest;

// Chosen by a one-off experiment on the raw history of `bench quality --quick` (2,000 customers, 45 days): with
// balanced weights (x36 on a fraud there) Adam's validation AUPRC swung by 0.05 from epoch to epoch; their square root,
// a higher rate and smaller batches learned faster. Still seed-dependent (0.49-0.61 over seeds 1-3 there): retrain
// keeps the MLP only when it beats the logistic regression.
const DEFAULTS = { patience: 3, learningRate: 0.01, classWeighting: 'sqrt' as const };

/** 1024 rows a step on large histories (285k rows: ~220 steps an epoch); on small ones at least ~64 steps an epoch. */
export function defaultBatchSize(rows: number): number {
  return Math.min(1024, Math.max(128, Math.ceil(rows / 64)));
}

/** The MLP's hidden layers (relu); a sigmoid unit follows. */
const MLP_HIDDEN = [16, 8] as const;

function build(kind: NetworkKind, width: number, seed: number): tf.LayersModel {
  const init = (k: number) => tf.initializers.glorotUniform({ seed: seed + k });
  const layers =
    kind === 'logistic-regression'
      ? [tf.layers.dense({ inputShape: [width], units: 1, activation: 'sigmoid', kernelInitializer: init(0) })]
      : [
          tf.layers.dense({
            inputShape: [width],
            units: MLP_HIDDEN[0],
            activation: 'relu',
            kernelInitializer: init(0),
          }),
          tf.layers.dense({ units: MLP_HIDDEN[1], activation: 'relu', kernelInitializer: init(1) }),
          tf.layers.dense({ units: 1, activation: 'sigmoid', kernelInitializer: init(2) }),
        ];
  return tf.sequential({ layers });
}

/** Balanced class weights: the 0.17% of frauds weigh as much in total as the rest. */
function balancedWeights(y: Uint8Array): [number, number] {
  const n = y.length;
  const positives = y.reduce((s, v) => s + v, 0);
  return [n / (2 * Math.max(1, n - positives)), n / (2 * Math.max(1, positives))];
}

/**
 * Logistic regression by Newton's method to the optimum of the L2-penalised log-loss (scikit-learn's default penalty,
 * C = 1), once with balanced class weights and once unweighted; the better on validation AUPRC is kept.
 */
function trainLogistic(
  x: Float32Array,
  y: Uint8Array,
  xVal: Float32Array,
  yVal: Uint8Array,
  width: number,
  o: TrainOptions,
): TrainedNetwork {
  let best: Omit<TrainedNetwork, 'epochsRun'> | null = null;
  let previous: { weights: Float64Array; bias: number } | undefined;
  let iterations = 0;
  for (const [weighting, classWeight] of [
    ['balanced class weights', balancedWeights(y)],
    ['unweighted', [1, 1]],
  ] as const) {
    const t0 = performance.now();
    // The second fit starts from the first one's optimum: the same problem reweighted, fewer Newton steps away.
    const fit = fitLogisticNewton(x, y, width, { l2: 1, classWeight, ...(previous ? { start: previous } : {}) });
    previous = fit;
    iterations += fit.iterations;
    const model = build('logistic-regression', width, o.seed);
    tf.tidy(() => model.setWeights([tf.tensor2d(Float32Array.from(fit.weights), [width, 1]), tf.tensor1d([fit.bias])]));
    // Scored as stored (float32 weights), as scoring will compute it.
    const scores = predictScaled(model, xVal, width);
    const auprc = averagePrecision(scores, yVal);
    o.onEpoch?.({ epoch: iterations, auprc, ms: performance.now() - t0 });
    if (!best || auprc > best.auprc) {
      best?.model.dispose();
      best = {
        kind: 'logistic-regression',
        model,
        auprc,
        epochs: fit.iterations,
        validationScores: scores,
        detail: `Newton, L2 C=1, ${weighting}${fit.converged ? '' : ', not converged'}`,
      };
    } else model.dispose();
  }
  return { ...best!, epochsRun: iterations };
}

/**
 * Retrain's GBDT: up to 300 trees of at most 64 leaves and depth 6, stopped after 20 rounds without a better
 * validation AUPRC; unweighted unless `classWeighting` says otherwise. On large histories each tree sees a seeded
 * sample of about 400,000 rows (the rest still move by its output), which keeps a tree's cost flat as history grows.
 */
export const GBDT_TRAIN_DEFAULTS: Partial<GbdtParams> = {
  rounds: 300,
  learningRate: 0.1,
  maxDepth: 6,
  maxLeaves: 64,
  lambda: 1,
  minChildWeight: 1,
  earlyStoppingRounds: 20,
  metric: 'average-precision',
};
const GBDT_ROWS_PER_TREE = 400_000;

function trainForest(
  x: Float32Array,
  y: Uint8Array,
  xVal: Float32Array,
  yVal: Uint8Array,
  width: number,
  o: TrainOptions,
): TrainedForest {
  const [w0, w1] = balancedWeights(y);
  const weighting = o.classWeighting ?? 'none';
  const scalePosWeight = weighting === 'balanced' ? w1 / w0 : weighting === 'sqrt' ? Math.sqrt(w1 / w0) : 1;
  const p: Partial<GbdtParams> = {
    ...GBDT_TRAIN_DEFAULTS,
    subsample: Math.min(1, GBDT_ROWS_PER_TREE / y.length),
    scalePosWeight,
    seed: o.seed,
    ...(o.patience !== undefined ? { earlyStoppingRounds: o.patience } : {}),
    ...o.gbdt,
  };
  const b = trainGbdt(x, y, width, p, { x: xVal, y: yVal }, (r) =>
    o.onEpoch?.({ epoch: r.round, auprc: r.validation ?? Number.NaN, ms: r.ms }),
  );
  const model = new ForestModel(b.forest);
  // Scored as it will serve: the compiled forest on the standardised validation rows.
  const validationScores = model.predictScaled(xVal);
  const q: GbdtParams = { ...GBDT_DEFAULTS, ...p };
  return {
    kind: 'gbdt',
    model,
    auprc: averagePrecision(validationScores, yVal),
    epochs: b.bestRound,
    epochsRun: b.rounds.length,
    validationScores,
    detail: `${b.bestRound} trees (of ${b.rounds.length} grown), depth <= ${q.maxDepth}, <= ${q.maxLeaves} leaves, eta ${q.learningRate}, lambda ${q.lambda}, ${weighting === 'none' ? 'unweighted' : `${weighting} class weight ${scalePosWeight.toFixed(2)}`}, subsample ${q.subsample === 1 ? 1 : q.subsample.toFixed(3)}`,
    architecture: {
      trees: b.forest.trees.length,
      nodes: b.forest.trees.reduce((s, t) => s + t.feature.length, 0),
      rounds_run: b.rounds.length,
      learning_rate: q.learningRate,
      max_depth: q.maxDepth,
      max_leaves: q.maxLeaves,
      lambda: q.lambda,
      min_child_weight: q.minChildWeight,
      max_bins: q.maxBins,
      subsample: q.subsample,
      scale_pos_weight: scalePosWeight,
      early_stopping: { metric: q.metric, rounds: q.earlyStoppingRounds },
    },
  };
}

/** `x`, `xVal`: standardised rows, `width` floats each; `y`, `yVal`: 0/1 labels. */
export async function trainModel(
  x: Float32Array,
  y: Uint8Array,
  xVal: Float32Array,
  yVal: Uint8Array,
  width: number,
  o: TrainOptions & { kind: NetworkKind },
): Promise<TrainedNetwork>;
export async function trainModel(
  x: Float32Array,
  y: Uint8Array,
  xVal: Float32Array,
  yVal: Uint8Array,
  width: number,
  o: TrainOptions,
): Promise<Trained>;
export async function trainModel(
  x: Float32Array,
  y: Uint8Array,
  xVal: Float32Array,
  yVal: Uint8Array,
  width: number,
  o: TrainOptions,
): Promise<Trained> {
  if (o.kind === 'logistic-regression') return trainLogistic(x, y, xVal, yVal, width, o);
  if (o.kind === 'gbdt') return trainForest(x, y, xVal, yVal, width, o);
  return trainMlp(x, y, xVal, yVal, width, o);
}

/**
 * The 16-8-1 relu MLP, trained by the plain TypeScript loop of ./mlp (Adam, class-weighted cross-entropy, seeded
 * shuffles, early stopping on validation AUPRC); the best epoch's weights then go into a tf.js model of the same
 * layers, which the registry stores as before (model.json + weights.bin) and dense-net.ts scores.
 */
function trainMlp(
  x: Float32Array,
  y: Uint8Array,
  xVal: Float32Array,
  yVal: Uint8Array,
  width: number,
  o: TrainOptions,
): TrainedNetwork {
  const [w0, w1] = balancedWeights(y);
  const weighting = o.classWeighting ?? DEFAULTS.classWeighting;
  const classWeight: [number, number] =
    weighting === 'balanced' ? [w0, w1] : weighting === 'sqrt' ? [1, Math.sqrt(w1 / w0)] : [1, 1];
  const fit = fitMlp(x, y, xVal, yVal, width, {
    hidden: MLP_HIDDEN,
    maxEpochs: o.maxEpochs,
    patience: o.patience ?? DEFAULTS.patience,
    batchSize: o.batchSize ?? defaultBatchSize(y.length),
    learningRate: o.learningRate ?? DEFAULTS.learningRate,
    classWeight,
    seed: o.seed,
    ...(o.onEpoch ? { onEpoch: o.onEpoch } : {}),
  });
  const model = build('mlp', width, o.seed);
  tf.tidy(() =>
    model.setWeights(
      tfLayout(fit.shape, fit.theta).flatMap((l, i) => [
        tf.tensor2d(l.kernel, [fit.shape.sizes[i]!, fit.shape.sizes[i + 1]!]),
        tf.tensor1d(l.bias),
      ]),
    ),
  );
  return {
    kind: 'mlp',
    model,
    auprc: fit.auprc,
    epochs: fit.epoch,
    epochsRun: fit.epochsRun,
    validationScores: fit.scores,
  };
}
