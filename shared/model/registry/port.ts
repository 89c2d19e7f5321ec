// The model registry port: model versions by name (weights and manifest, never overwritten) and the champion pointer.
import type * as tf from '../tf.ts';
import type { ChampionPointer, ModelManifest } from '../../schema/model-manifest.ts';
import type { ForestModel } from '../gbdt/model.ts';
import type { PromotionDecision } from './decision.ts';

/** A network version: tf.js weights. */
export interface StoredModel {
  readonly manifest: ModelManifest;
  readonly model: tf.LayersModel;
}

/** Any stored version: a tf.js network or a gradient-boosted forest. */
export interface StoredAnyModel {
  readonly manifest: ModelManifest;
  readonly model: tf.LayersModel | ForestModel;
}

export interface ModelRegistry {
  /** Where a version's files live (gs://... or a folder): Vertex AI takes this as the model's artifact URI. */
  uri(version: string): string;
  /** Stores a new version; an existing version is refused (INPUT_INVALID), never overwritten. */
  save(manifest: ModelManifest, model: tf.LayersModel | ForestModel): Promise<void>;
  /** A network version (tf.js); a forest is refused (MODEL_UNAVAILABLE): loadAny() reads every kind. */
  load(version: string): Promise<StoredModel>;
  /** Any version; NOT_FOUND when there is no complete version of that name. */
  loadAny(version: string): Promise<StoredAnyModel>;
  manifest(version: string): Promise<ModelManifest>;
  /** Every complete version, oldest first. */
  list(): Promise<ModelManifest[]>;
  /** The champion pointer with its history, or null before any promotion. */
  champion(): Promise<ChampionPointer | null>;
  /** Makes `version` the champion, atomically: a reader sees the old pointer or the new one. */
  promote(version: string, reason: string, at?: Date): Promise<ChampionPointer>;
  /** Back to the champion before the current one (NOT_FOUND when there is none). */
  rollback(reason?: string, at?: Date): Promise<ChampionPointer>;
  /**
   * A token that changes whenever a version is saved or the champion pointer moves (one small object): scorers
   * watch it instead of listing every manifest. null on a registry no build of this kind has written to yet.
   */
  revision(): Promise<string | null>;
  /** Keeps a promotion decision beside its version (one object per decision: manifests are never rewritten). */
  recordDecision(decision: PromotionDecision): Promise<void>;
  /** The decisions kept for `version` (every version when absent), oldest first. */
  decisions(version?: string): Promise<PromotionDecision[]>;
}
