// The model endpoint port, and its local adapter: the registry's champion in-process, reloaded when the champion changes.
import type * as tf from '@tensorflow/tfjs';
import { FraudflowError } from '../errors.ts';
import type { ModelManifest } from '../schema/model-manifest.ts';
import type { ModelRegistry } from './registry.ts';
import { predictScaled, scaleRows } from './predict.ts';

export type Reasons = Array<{ feature: string; contribution: number }>;

export interface Prediction {
  readonly scores: Float32Array;
  readonly manifest: ModelManifest;
}

export interface ModelEndpoint {
  readonly kind: string;
  /** The model that answers now: its feature spec says which inputs it takes. */
  manifest(): Promise<ModelManifest>;
  /** Rows of raw features (the manifest's feature spec), `width` values each. */
  predict(rows: Float32Array, width: number): Promise<Prediction>;
  /** Per row, the `top` features whose removal lowers the score most (occlusion on the scaled input), largest first. */
  explain(rows: Float32Array, width: number, top: number): Promise<Reasons[]>;
}

export class LocalModelEndpoint implements ModelEndpoint {
  readonly kind = 'local';
  private loaded: { version: string; model: tf.LayersModel; manifest: ModelManifest } | null = null;
  private checkedAt = 0;

  constructor(private readonly registry: ModelRegistry, private readonly recheckMs = 5_000) {}

  async manifest(): Promise<ModelManifest> {
    return (await this.current()).manifest;
  }

  async predict(rows: Float32Array, width: number): Promise<Prediction> {
    const { model, manifest } = await this.current();
    this.checkWidth(manifest, width);
    return { scores: predictScaled(model, scaleRows(rows, width, manifest.scaler), width), manifest };
  }

  async explain(rows: Float32Array, width: number, top: number): Promise<Reasons[]> {
    const { model, manifest } = await this.current();
    this.checkWidth(manifest, width);
    const scaled = scaleRows(rows, width, manifest.scaler);
    const scores = predictScaled(model, scaled, width);
    const n = scores.length;
    // Occlusion: each feature set to its training mean (0 once scaled); the drop in score is its contribution.
    const probe = new Float32Array(n * width * width);
    for (let r = 0; r < n; r++) for (let f = 0; f < width; f++) {
      probe.set(scaled.subarray(r * width, (r + 1) * width), (r * width + f) * width);
      probe[(r * width + f) * width + f] = 0;
    }
    const occluded = predictScaled(model, probe, width);
    return Array.from({ length: n }, (_, r) => manifest.feature_spec.names
      .map((feature, f) => ({ feature, contribution: scores[r]! - occluded[r * width + f]! }))
      .sort((a, b) => b.contribution - a.contribution)
      .slice(0, top));
  }

  private checkWidth(manifest: ModelManifest, width: number): void {
    if (manifest.feature_spec.names.length !== width) {
      throw new FraudflowError('INPUT_INVALID', `model ${manifest.version} expects ${manifest.feature_spec.names.length} features, got ${width}`);
    }
  }

  /** The champion, loaded once and swapped in when the pointer changes; requests in flight keep the model they started with. */
  private async current(): Promise<{ model: tf.LayersModel; manifest: ModelManifest }> {
    const now = Date.now();
    if (this.loaded && now - this.checkedAt < this.recheckMs) return this.loaded;
    this.checkedAt = now;
    const pointer = await this.registry.champion();
    if (!pointer) throw new FraudflowError('MODEL_UNAVAILABLE', 'no champion model yet: run fraudflow retrain first', {}, { retriable: false });
    if (this.loaded?.version !== pointer.version) {
      const { model, manifest } = await this.registry.load(pointer.version);
      this.loaded = { version: pointer.version, model, manifest };
    }
    return this.loaded;
  }
}
