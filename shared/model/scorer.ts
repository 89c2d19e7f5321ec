// How a stored model scores rows of raw features: forests and dense networks as plain TypeScript, anything else through tf.js.
import type * as tf from './tf.ts';
import { FraudflowError } from '../errors.ts';
import type { ModelManifest } from '../schema/model-manifest.ts';
import { predictScaled, scaleRows } from './predict.ts';
import { DenseNet } from './dense-net.ts';
import { ForestModel } from './gbdt/model.ts';
import type { LoadedModel, Reasons } from './port.ts';

export function checkWidth(manifest: ModelManifest, width: number): void {
  if (manifest.feature_spec.names.length !== width) {
    throw new FraudflowError(
      'INPUT_INVALID',
      `model ${manifest.version} expects ${manifest.feature_spec.names.length} features, got ${width}`,
    );
  }
}

/** How a stored model scores packed rows of raw features: one place decides between the plain-TypeScript network and tf.js. */
export interface Scorer {
  predict(rows: Float32Array): Float32Array;
  explain(rows: Float32Array, top: number): Reasons[];
}

/** A stored model of either kind: a tf.js network or a gradient-boosted forest. */
export type AnyModel = tf.LayersModel | ForestModel;

/**
 * Forests run as compiled plain TypeScript (gbdt/compile.ts) with path-contribution reasons; dense networks as plain
 * TypeScript (dense-net.ts); any other architecture through tf.js.
 */
export function scorerOf(model: AnyModel, manifest: ModelManifest): Scorer {
  const names = manifest.feature_spec.names;
  if (model instanceof ForestModel) {
    const scaler = manifest.scaler;
    return {
      predict: (rows) => model.predictRaw(rows, scaler),
      explain: (rows, top) => model.explainRaw(rows, scaler, names, top),
    };
  }
  const net = DenseNet.fromModel(model, manifest.scaler);
  if (net) return { predict: (rows) => net.predict(rows), explain: (rows, top) => net.explain(rows, names, top) };
  const width = names.length;
  return {
    predict: (rows) => predictScaled(model, scaleRows(rows, width, manifest.scaler), width),
    explain(rows, top) {
      const scaled = scaleRows(rows, width, manifest.scaler);
      const scores = predictScaled(model, scaled, width);
      const n = scores.length;
      // Occlusion: each feature set to its training mean (0 once scaled); the drop in score is its contribution.
      const probe = new Float32Array(n * width * width);
      for (let r = 0; r < n; r++)
        for (let f = 0; f < width; f++) {
          probe.set(scaled.subarray(r * width, (r + 1) * width), (r * width + f) * width);
          probe[(r * width + f) * width + f] = 0;
        }
      const occluded = predictScaled(model, probe, width);
      return Array.from({ length: n }, (_, r) =>
        names
          .map((feature, f) => ({ feature, contribution: scores[r]! - occluded[r * width + f]! }))
          .sort((a, b) => b.contribution - a.contribution)
          .slice(0, top),
      );
    },
  };
}

/** Fraud probabilities of packed raw rows by a stored model of either kind, its own scaler applied. */
export function scoreRaw(model: AnyModel, manifest: ModelManifest, rows: Float32Array): Float32Array {
  return scorerOf(model, manifest).predict(rows);
}

/** A stored model (tf.js network or forest) and its manifest as the port's LoadedModel. */
export function loadedModel(model: AnyModel, manifest: ModelManifest): LoadedModel {
  const width = manifest.feature_spec.names.length;
  const scorer = scorerOf(model, manifest);
  return {
    manifest,
    predict(rows) {
      const packed = new Float32Array(rows.length * width);
      rows.forEach((r, i) => {
        checkWidth(manifest, r.length);
        packed.set(r, i * width);
      });
      return scorer.predict(packed);
    },
    dispose: () => model.dispose(),
  };
}
