// The local model adapters: TensorFlow.js networks and GBDT forests in-process from the registry, a version on demand or the champion, swapped when it changes.
import type * as tf from '@tensorflow/tfjs';
import { FraudflowError } from '../../errors.ts';
import type { ModelManifest } from '../../schema/model-manifest.ts';
import type { ModelRegistry } from '../registry/objectstore/registry.ts';
import { predictScaled, scaleRows } from '../predict.ts';
import { DenseNet } from '../dense-net.ts';
import { ForestModel } from '../gbdt/model.ts';
import type { LoadedModel, ModelEndpoint, ModelSource, Prediction, Reasons } from '../port.ts';

function checkWidth(manifest: ModelManifest, width: number): void {
  if (manifest.feature_spec.names.length !== width) {
    throw new FraudflowError(
      'INPUT_INVALID',
      `model ${manifest.version} expects ${manifest.feature_spec.names.length} features, got ${width}`,
    );
  }
}

/** How a stored model scores packed rows of raw features: one place decides between the plain-TypeScript network and tf.js. */
interface Scorer {
  predict(rows: Float32Array): Float32Array;
  explain(rows: Float32Array, top: number): Reasons[];
}

/** A stored model of either kind: a tf.js network or a gradient-boosted forest. */
export type AnyModel = tf.LayersModel | ForestModel;

/**
 * Forests run as compiled plain TypeScript (gbdt/compile.ts) with path-contribution reasons; dense networks as plain
 * TypeScript (dense-net.ts); any other architecture through tf.js.
 */
function scorerOf(model: AnyModel, manifest: ModelManifest): Scorer {
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

export class LocalModelSource implements ModelSource {
  constructor(private readonly registry: ModelRegistry) {}

  async load(version: string): Promise<LoadedModel> {
    const { model, manifest } = await this.registry.loadAny(version);
    return loadedModel(model, manifest);
  }

  async champion(): Promise<LoadedModel | null> {
    const pointer = await this.registry.champion();
    return pointer ? this.load(pointer.version) : null;
  }
}

export class LocalModelEndpoint implements ModelEndpoint {
  readonly kind = 'local';
  private loaded: { version: string; model: AnyModel; manifest: ModelManifest; scorer: Scorer } | null = null;
  private checkedAt = 0;

  constructor(
    private readonly registry: ModelRegistry,
    private readonly recheckMs = 5_000,
  ) {}

  async manifest(): Promise<ModelManifest> {
    return (await this.current()).manifest;
  }

  async predict(rows: Float32Array, width: number): Promise<Prediction> {
    const { manifest, scorer } = await this.current();
    checkWidth(manifest, width);
    return { scores: scorer.predict(rows), manifest };
  }

  async explain(rows: Float32Array, width: number, top: number): Promise<Reasons[]> {
    const { manifest, scorer } = await this.current();
    checkWidth(manifest, width);
    return scorer.explain(rows, top);
  }

  /** The champion, loaded once and swapped in when the pointer changes; requests in flight keep the model they started with. */
  private async current(): Promise<{ model: AnyModel; manifest: ModelManifest; scorer: Scorer }> {
    const now = Date.now();
    if (this.loaded && now - this.checkedAt < this.recheckMs) return this.loaded;
    this.checkedAt = now;
    const pointer = await this.registry.champion();
    if (!pointer)
      throw new FraudflowError(
        'MODEL_UNAVAILABLE',
        'no champion model yet: run fraudflow retrain first',
        {},
        { retriable: false },
      );
    if (this.loaded?.version !== pointer.version) {
      const { model, manifest } = await this.registry.loadAny(pointer.version);
      const previous = this.loaded;
      this.loaded = { version: pointer.version, model, manifest, scorer: scorerOf(model, manifest) };
      // Safe to free now: every caller scores synchronously right after current() resolves, so none still holds it.
      previous?.model.dispose();
    }
    return this.loaded;
  }
}
