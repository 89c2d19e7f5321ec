// Features to small integers: per-feature bin edges from quantiles of a seeded row sample, then every row's bins packed as bytes.
import { Random } from '../../synth/random.ts';

/** At most this many bins a feature: a bin fits in one byte. */
export const MAX_BINS = 256;

export interface Binning {
  readonly width: number;
  /**
   * Per feature, ascending upper bounds: a value x falls in the first bin b with x <= edges[b], else in the last bin
   * (edges.length), which also holds NaN. A split after bin b sends x <= edges[b] left, so scoring compares raw values.
   */
  readonly edges: readonly Float32Array[];
}

/** The bin of `x` for ascending `edges`: the first b with x <= edges[b], else edges.length (NaN included). */
export function binOf(edges: Float32Array, x: number): number {
  let lo = 0;
  let hi = edges.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (x <= edges[mid]!) hi = mid;
    else lo = mid + 1;
  }
  // NaN compares false everywhere and lands at edges.length, the last bin, as intended.
  return lo;
}

/**
 * Edges from up to `sampleRows` rows drawn with `seed`: features with at most `maxBins` distinct values get one bin per
 * value; others get bins at evenly spaced quantiles (ties merged, so a heavy value keeps one bin of its own).
 */
export function fitBinning(
  x: Float32Array,
  width: number,
  options: { maxBins: number; sampleRows: number; seed: number },
): Binning {
  const n = x.length / width;
  const maxBins = Math.min(MAX_BINS, Math.max(2, options.maxBins));
  const rows = sampleRows(n, options.sampleRows, options.seed);
  const values = new Float32Array(rows.length);
  const edges: Float32Array[] = [];
  for (let f = 0; f < width; f++) {
    let m = 0;
    for (let i = 0; i < rows.length; i++) {
      const v = x[rows[i]! * width + f]!;
      if (!Number.isNaN(v)) values[m++] = v;
    }
    const sorted = values.subarray(0, m).sort();
    edges.push(edgesOf(sorted, maxBins));
  }
  return { width, edges };
}

function edgesOf(sorted: Float32Array, maxBins: number): Float32Array {
  const distinct: number[] = [];
  for (let i = 0; i < sorted.length; i++) if (i === 0 || sorted[i] !== sorted[i - 1]) distinct.push(sorted[i]!);
  // k distinct values need k - 1 edges (the largest value falls in the last bin); NaN takes the last bin too.
  if (distinct.length <= maxBins) return Float32Array.from(distinct.slice(0, -1));
  const out: number[] = [];
  for (let b = 1; b < maxBins; b++) {
    const v = sorted[Math.floor((b * sorted.length) / maxBins) - 1]!;
    if (out.length === 0 || v > out[out.length - 1]!) out.push(v);
  }
  if (out[out.length - 1] === sorted[sorted.length - 1]) out.pop();
  return Float32Array.from(out);
}

/** Every row when n <= k, else about k rows in ascending order, each kept with chance k/n drawn with the seed. */
function sampleRows(n: number, k: number, seed: number): Uint32Array {
  if (n <= k) return Uint32Array.from({ length: n }, (_, i) => i);
  const rnd = new Random(seed);
  const keep = k / n;
  const out: number[] = [];
  for (let i = 0; i < n; i++) if (rnd.next() < keep) out.push(i);
  return Uint32Array.from(out);
}

/** Rows' bins, row-major (`width` bytes a row): a node's histogram then reads each row's bins from one cache line. */
export function applyBinning(binning: Binning, x: Float32Array): Uint8Array {
  const { width, edges } = binning;
  const out = new Uint8Array(x.length);
  // Feature by feature: one edges array per loop, no modulo in the inner loop.
  for (let f = 0; f < width; f++) {
    const e = edges[f]!;
    for (let i = f; i < x.length; i += width) out[i] = binOf(e, x[i]!);
  }
  return out;
}
