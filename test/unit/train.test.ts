// Training on synthetic Kaggle-format rows: both models learn the fraud signal, and a seed makes a run repeat exactly.
import { beforeAll, describe, expect, it } from 'vitest';
import type * as tf from '../../shared/model/tf.ts';
import { tfReady } from '../../shared/model/tf-backend.ts';
import { kaggleMatrix } from '../../shared/synth/kaggle.ts';
import { KAGGLE_FEATURES } from '../../shared/features/kaggle.ts';
import { fitScaler, applyScaler } from '../../shared/model/scaler.ts';
import { timeSplit } from '../../functions/retrain/split.ts';
import { trainModel, type ModelKind } from '../../functions/retrain/train.ts';

const width = KAGGLE_FEATURES.names.length;
let xTrain: Float32Array, yTrain: Uint8Array, xVal: Float32Array, yVal: Uint8Array;

beforeAll(async () => {
  await tfReady();
  const { features, labels, time } = kaggleMatrix(24_000, 5);
  const split = timeSplit(time, { validationFraction: 0.25, gapSeconds: 0 });
  const scaler = fitScaler(features, width, split.train);
  xTrain = applyScaler(features, width, split.train, scaler);
  xVal = applyScaler(features, width, split.validation, scaler);
  yTrain = labels.subarray(...split.train);
  yVal = labels.subarray(...split.validation);
});

const weightsOf = (m: tf.LayersModel) => m.getWeights().map((w) => Array.from(w.dataSync()));

describe('training mlp', () => {
  it('learns: validation AUPRC far above the fraud rate, and the same seed gives the same model', async () => {
    const kind: ModelKind = 'mlp';
    const epochs: number[] = [];
    const a = await trainModel(xTrain, yTrain, xVal, yVal, width, {
      kind,
      maxEpochs: 3,
      seed: 9,
      onEpoch: (e) => epochs.push(e.auprc),
    });
    const b = await trainModel(xTrain, yTrain, xVal, yVal, width, { kind, maxEpochs: 3, seed: 9 });
    const baseRate = yVal.reduce((s, v) => s + v, 0) / yVal.length;
    expect(baseRate).toBeGreaterThan(0);
    expect(a.auprc).toBeGreaterThan(Math.max(0.3, 50 * baseRate));
    // The kept weights are those of the best epoch.
    expect(a.auprc).toBe(Math.max(...epochs));
    expect(a.epochs).toBe(epochs.indexOf(a.auprc) + 1);
    expect(b.auprc).toBe(a.auprc);
    expect(Array.from(b.validationScores)).toEqual(Array.from(a.validationScores));
    expect(weightsOf(b.model)).toEqual(weightsOf(a.model));
    const c = await trainModel(xTrain, yTrain, xVal, yVal, width, { kind, maxEpochs: 1, seed: 10 });
    expect(weightsOf(c.model)).not.toEqual(weightsOf(a.model));
    [a, b, c].forEach((t) => t.model.dispose());
  });
});

describe('training logistic-regression', () => {
  it('fits to the optimum, keeps the better class weighting on validation, and repeats exactly', async () => {
    const seen: number[] = [];
    const a = await trainModel(xTrain, yTrain, xVal, yVal, width, {
      kind: 'logistic-regression',
      maxEpochs: 3,
      seed: 9,
      onEpoch: (e) => seen.push(e.auprc),
    });
    const b = await trainModel(xTrain, yTrain, xVal, yVal, width, {
      kind: 'logistic-regression',
      maxEpochs: 3,
      seed: 10,
    });
    const baseRate = yVal.reduce((s, v) => s + v, 0) / yVal.length;
    expect(a.auprc).toBeGreaterThan(Math.max(0.3, 50 * baseRate));
    expect(seen).toHaveLength(2); // balanced and unweighted
    expect(a.auprc).toBeCloseTo(Math.max(...seen), 3); // the kept one, re-scored with its float32 weights
    expect(a.detail).toMatch(/^Newton, L2 C=1, (balanced class weights|unweighted)$/);
    expect(a.epochs).toBeGreaterThan(1);
    // Convex: the optimum does not depend on the seed.
    expect(weightsOf(b.model)).toEqual(weightsOf(a.model));
    [a, b].forEach((t) => t.model.dispose());
  });
});
