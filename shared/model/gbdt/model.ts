// A trained forest as a stored model: what the registry saves and loads beside tf.js networks, and how it scores.
import { scaleRows } from '../predict.ts';
import type { Scaler } from '../scaler.ts';
import type { Reasons } from '../port.ts';
import { forestScorer, type ForestScorer } from './compile.ts';
import { explainForest } from './contributions.ts';
import type { Forest } from './forest.ts';

/** The file a GBDT version keeps its trees in, beside manifest.json. */
export const FOREST_FILE = 'forest.json';

export class ForestModel {
  readonly kind = 'gbdt';
  private compiled: ForestScorer | null = null;

  /** `forest` splits on standardised features: scoring applies `scaler` to raw rows first, as training saw them. */
  constructor(readonly forest: Forest) {}

  /** The scoring form, compiled on first use. */
  get scorer(): ForestScorer {
    return (this.compiled ??= forestScorer(this.forest));
  }

  /** Fraud probabilities of rows already standardised. */
  predictScaled(scaled: Float32Array): Float32Array {
    return this.scorer.predict(scaled);
  }

  /** Fraud probabilities of raw rows, `scaler` applied exactly as retrain applied it to the training rows. */
  predictRaw(rows: Float32Array, scaler: Scaler): Float32Array {
    return this.scorer.predict(scaleRows(rows, this.forest.width, scaler));
  }

  /** Per raw row, the `top` features by path contribution (log-odds), largest first. */
  explainRaw(rows: Float32Array, scaler: Scaler, names: readonly string[], top: number): Reasons[] {
    return explainForest(this.forest, scaleRows(rows, this.forest.width, scaler), names, top);
  }

  /** Nothing to free (plain arrays): present so every stored model can be disposed alike. */
  dispose(): void {}
}
