// The model ports: what scoring needs from a model (a version loaded in-process, or the champion behind an endpoint).
import type { ModelManifest } from '../schema/model-manifest.ts';

export type Reasons = Array<{ feature: string; contribution: number }>;

export interface Prediction {
  readonly scores: Float32Array;
  readonly manifest: ModelManifest;
}

/** One model version ready to score, with its metadata (feature spec, scaler, threshold, metrics). */
export interface LoadedModel {
  readonly manifest: ModelManifest;
  /** Fraud probabilities for rows of raw features, one Float32Array per row in the manifest's feature order; the model's own scaler is applied. */
  predict(rows: readonly Float32Array[]): Float32Array;
  /** Frees the weights (tf.js tensors are not garbage-collected). */
  dispose(): void;
}

/** Whatever answers for the champion now: in-process (local) or a Vertex AI endpoint. */
export interface ModelEndpoint {
  readonly kind: string;
  /** The model that answers now: its feature spec says which inputs it takes. */
  manifest(): Promise<ModelManifest>;
  /** Rows of raw features (the manifest's feature spec), `width` values each, packed in one array. */
  predict(rows: Float32Array, width: number): Promise<Prediction>;
  /** Per row, the `top` features whose removal lowers the score most (occlusion on the scaled input), largest first. */
  explain(rows: Float32Array, width: number, top: number): Promise<Reasons[]>;
  /**
   * The model that answers now, pinned for one scoring: its manifest, predictions and reasons all come from that one
   * version even when the champion changes meanwhile (features are computed for the spec the manifest names, then
   * scored by the same model). The local endpoint frees a replaced model only once every hold on it is released; a
   * remote endpoint pins the manifest it read (the platform routes the calls).
   */
  hold(): Promise<ModelHold>;
}

/** A pinned model: the endpoint's calls, answered by one version until `release()` (idempotent). */
export interface ModelHold extends ModelEndpoint {
  release(): void;
}

/** Where a published model now serves. */
export interface PublishedModel {
  /** The serving platform's name for the uploaded model (e.g. projects/p/locations/l/models/123). */
  readonly model: string;
  readonly endpoint: string;
  readonly deployedModelId: string;
  /** Older deployments taken off the endpoint after the new one took all traffic. */
  readonly undeployed: string[];
}

/** Puts a registry version behind the remote endpoint the scorers call (Vertex AI); the local endpoint needs none. */
export interface ModelPublisher {
  readonly kind: string;
  /** `artifactUri`: the folder holding the version's model.json, weights.bin and manifest.json. */
  publish(manifest: ModelManifest, artifactUri: string): Promise<PublishedModel>;
}
