// Standardisation with statistics from the training rows only.
export interface Scaler {
  readonly mean: number[];
  readonly std: number[];
}

export function fitScaler(x: Float32Array, width: number, [start, end]: [number, number]): Scaler {
  const mean = new Float64Array(width);
  const sq = new Float64Array(width);
  const n = end - start;
  for (let r = start; r < end; r++) for (let c = 0; c < width; c++) mean[c]! += x[r * width + c]!;
  for (let c = 0; c < width; c++) mean[c]! /= n;
  for (let r = start; r < end; r++) for (let c = 0; c < width; c++) sq[c]! += (x[r * width + c]! - mean[c]!) ** 2;
  return { mean: [...mean], std: [...sq].map((s) => Math.sqrt(s / n) || 1) };
}

export function applyScaler(x: Float32Array, width: number, [start, end]: [number, number], s: Scaler): Float32Array {
  const out = new Float32Array((end - start) * width);
  for (let r = start; r < end; r++)
    for (let c = 0; c < width; c++) out[(r - start) * width + c] = (x[r * width + c]! - s.mean[c]!) / s.std[c]!;
  return out;
}
