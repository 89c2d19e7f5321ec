// Gradient and hessian sums per (feature, bin) over a node's rows, and the sibling's by subtraction from the parent.
import { MAX_BINS } from './binning.ts';

/** Doubles per feature in a histogram: (gradient, hessian) for each of MAX_BINS bins. */
export const FEATURE_STRIDE = MAX_BINS * 2;

export function newHistogram(width: number): Float64Array {
  return new Float64Array(width * FEATURE_STRIDE);
}

/**
 * Sums of `gh` (gradient, hessian interleaved by row) over rows idx[start..end), by feature and bin, into `hist`.
 * The hot loop of training: one pass over the node's rows, each row's `width` bins read contiguously.
 */
export function buildHistogram(
  hist: Float64Array,
  bins: Uint8Array,
  width: number,
  gh: Float64Array,
  idx: Uint32Array,
  start: number,
  end: number,
): void {
  hist.fill(0);
  for (let i = start; i < end; i++) {
    const r = idx[i]!;
    const g = gh[2 * r]!;
    const h = gh[2 * r + 1]!;
    const o = r * width;
    for (let f = 0, base = 0; f < width; f++, base += FEATURE_STRIDE) {
      const k = base + (bins[o + f]! << 1);
      hist[k] = hist[k]! + g;
      hist[k + 1] = hist[k + 1]! + h;
    }
  }
}

/** parent -= child: the parent's histogram becomes its other child's (the subtraction trick). */
export function subtractHistogram(parent: Float64Array, child: Float64Array): void {
  for (let k = 0; k < parent.length; k++) parent[k] = parent[k]! - child[k]!;
}
