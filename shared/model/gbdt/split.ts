// Second-order split search: the gain of every (feature, bin) boundary from a node's histogram, the best one kept.
import { FEATURE_STRIDE } from './histogram.ts';

export interface SplitRules {
  /** L2 penalty on leaf weights (XGBoost's lambda). */
  readonly lambda: number;
  /** Least hessian sum on each side (XGBoost's min_child_weight). */
  readonly minChildWeight: number;
  /** Least loss reduction to split (XGBoost's gamma). */
  readonly minGain: number;
}

export interface Split {
  readonly feature: number;
  /** Rows with a bin <= this go left. */
  readonly bin: number;
  readonly gain: number;
  readonly gradLeft: number;
  readonly hessLeft: number;
}

/** The optimal leaf weight for sums G, H: -G / (H + lambda). */
export function leafWeight(g: number, h: number, lambda: number): number {
  return -g / (h + lambda);
}

/** The loss reduction of splitting (G, H) into (GL, HL) and the rest: 1/2 [GL²/(HL+λ) + GR²/(HR+λ) - G²/(H+λ)]. */
export function splitGain(gl: number, hl: number, g: number, h: number, lambda: number): number {
  const gr = g - gl;
  const hr = h - hl;
  return 0.5 * ((gl * gl) / (hl + lambda) + (gr * gr) / (hr + lambda) - (g * g) / (h + lambda));
}

/**
 * The best boundary over features with `binCounts[f]` bins each, for a node whose sums are (g, h); null when no
 * boundary gains more than `minGain` with both sides heavy enough. Ties keep the lowest feature, then the lowest bin.
 */
export function bestSplit(
  hist: Float64Array,
  binCounts: ArrayLike<number>,
  g: number,
  h: number,
  rules: SplitRules,
): Split | null {
  const { lambda, minChildWeight } = rules;
  const parent = (g * g) / (h + lambda);
  let best: Split | null = null;
  let bestScore = 2 * rules.minGain; // compared before the 1/2 factor
  for (let f = 0; f < binCounts.length; f++) {
    const base = f * FEATURE_STRIDE;
    let gl = 0;
    let hl = 0;
    for (let b = 0; b < binCounts[f]! - 1; b++) {
      gl += hist[base + 2 * b]!;
      hl += hist[base + 2 * b + 1]!;
      const hr = h - hl;
      if (hl < minChildWeight || hl <= 0) continue;
      if (hr < minChildWeight || hr <= 0) break;
      const gr = g - gl;
      const score = (gl * gl) / (hl + lambda) + (gr * gr) / (hr + lambda) - parent;
      if (score > bestScore) {
        bestScore = score;
        best = { feature: f, bin: b, gain: 0.5 * score, gradLeft: gl, hessLeft: hl };
      }
    }
  }
  return best;
}
