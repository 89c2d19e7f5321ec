// Champion or challenger: a new model replaces the champion only if it beats it on the same held-out window (with enough frauds) by a margin.
import type { ModelManifest } from '../../shared/schema/model-manifest.ts';

export type FeatureSpec = ModelManifest['feature_spec'];

export interface PromotionInput {
  /** The new model's validation AUPRC. */
  readonly auprc: number;
  readonly spec: FeatureSpec;
  readonly margin: number;
  /** The current champion and its AUPRC re-scored on the new model's validation window (null when its features differ). */
  readonly champion: {
    readonly version: string;
    readonly spec: FeatureSpec;
    readonly auprcOnWindow: number | null;
  } | null;
  /** Frauds in the window both were scored on, and the fewest that window must hold to decide anything. */
  readonly windowFrauds?: number;
  readonly minFrauds?: number;
}

export type Promotion = NonNullable<ModelManifest['promotion']>;

export function sameFeatures(a: FeatureSpec, b: FeatureSpec): boolean {
  return (
    a.name === b.name &&
    a.version === b.version &&
    a.names.length === b.names.length &&
    a.names.every((n, i) => n === b.names[i])
  );
}

/** A champion on `champion` can score rows of `candidate`: same spec, or its names lead the candidate's (raw v1 in v2). */
export function featuresWithin(champion: FeatureSpec, candidate: FeatureSpec): boolean {
  return (
    champion.name === candidate.name &&
    champion.names.length <= candidate.names.length &&
    champion.names.every((n, i) => n === candidate.names[i])
  );
}

/** The first `keep` columns of row-major `rows` of `width` columns. */
export function leadingColumns(rows: Float32Array, width: number, keep: number): Float32Array {
  if (keep === width) return rows;
  const n = rows.length / width;
  const out = new Float32Array(n * keep);
  for (let i = 0; i < n; i++) out.set(rows.subarray(i * width, i * width + keep), i * keep);
  return out;
}

/**
 * Strictly better by at least `margin` (a tie never promotes, even with margin 0). A champion on other features
 * cannot be scored on this window, so the new model waits as a challenger for an operator's `fraudflow promote`.
 */
export function decidePromotion(input: PromotionInput): Promotion {
  const { auprc, margin, champion } = input;
  const f = (v: number) => v.toFixed(4);
  if (input.minFrauds !== undefined && (input.windowFrauds ?? 0) < input.minFrauds)
    return {
      promoted: false,
      reason: `the window holds ${input.windowFrauds ?? 0} frauds, fewer than the ${input.minFrauds} needed to judge a model; kept as challenger`,
      margin,
      champion: champion ? { version: champion.version, auprc_on_window: champion.auprcOnWindow } : null,
    };
  if (!champion) return { promoted: true, reason: 'no champion yet', margin, champion: null };
  const base = { margin, champion: { version: champion.version, auprc_on_window: champion.auprcOnWindow } };
  if (!featuresWithin(champion.spec, input.spec) || champion.auprcOnWindow === null) {
    return {
      ...base,
      promoted: false,
      reason:
        `champion ${champion.version} uses features ${champion.spec.name} v${champion.spec.version}, this model ${input.spec.name} v${input.spec.version}: ` +
        'not comparable on one window; kept as challenger (fraudflow promote to switch)',
    };
  }
  const gain = auprc - champion.auprcOnWindow;
  const promoted = gain > 0 && gain >= margin;
  const reason = promoted
    ? `AUPRC ${f(auprc)} beats champion ${champion.version} (${f(champion.auprcOnWindow)} on the same window) by ${f(gain)} >= margin ${margin}`
    : `AUPRC ${f(auprc)} vs champion ${champion.version} (${f(champion.auprcOnWindow)} on the same window): ` +
      `${gain > 0 ? `gain ${f(gain)} is below the margin ${margin}` : 'no better'}; kept as challenger`;
  return { ...base, promoted, reason };
}
