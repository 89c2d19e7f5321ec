// A tiny real TF.js model and a valid manifest for it: registry, endpoint and serving tests without training.
import * as tf from '../../shared/model/tf.ts';
import type { ModelManifest } from '../../shared/schema/model-manifest.ts';

/** Logistic regression whose score is sigmoid(sum of weights x scaled features + bias). */
export function tinyModel(weights: number[], bias = 0): tf.LayersModel {
  const model = tf.sequential({
    layers: [tf.layers.dense({ inputShape: [weights.length], units: 1, activation: 'sigmoid' })],
  });
  model.setWeights([tf.tensor2d(weights, [weights.length, 1]), tf.tensor1d([bias])]);
  return model;
}

export function tinyManifest(version: string, overrides: Partial<ModelManifest> = {}): ModelManifest {
  const names = overrides.feature_spec?.names ?? ['f0', 'f1', 'f2'];
  return {
    version,
    created_at: '2026-11-25T00:00:00.000Z',
    model: 'logistic-regression',
    feature_spec: { name: 'kaggle', version: 1, names },
    scaler: { mean: names.map(() => 0), std: names.map(() => 1) },
    threshold: 0.5,
    threshold_rule: { kind: 'target-precision', precision: 0.8 },
    metrics: { auprc: 0.5, roc_auc: 0.9, precision: 0.8, recall: 0.5, f1: 0.6, tp: 1, fp: 0, tn: 1, fn: 1 },
    candidates: [{ model: 'logistic-regression', auprc: 0.5, epochs: 1 }],
    data: {
      train_rows: 10,
      validation_rows: 5,
      train_frauds: 2,
      validation_frauds: 1,
      train_range: [0, 100],
      validation_range: [120, 200],
      gap_seconds: 0,
    },
    code_version: 'test',
    seed: 1,
    ...overrides,
  };
}
