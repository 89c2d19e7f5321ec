// Gathers split rows into standardised matrices (statistics from the training rows only) and counts their frauds.
import type { Scaler } from '../../shared/model/scaler.ts';
import type { Dataset } from './dataset.ts';

export function gatherRows(features: Float32Array, width: number, rows: Uint32Array): Float32Array {
  const out = new Float32Array(rows.length * width);
  for (let k = 0; k < rows.length; k++) out.set(features.subarray(rows[k]! * width, (rows[k]! + 1) * width), k * width);
  return out;
}

export const gatherLabels = (labels: Uint8Array, rows: Uint32Array) => Uint8Array.from(rows, (i) => labels[i]!);
export const frauds = (y: Uint8Array) => y.reduce((s, v) => s + v, 0);

export interface Matrices {
  readonly scaler: Scaler;
  readonly xTrain: Float32Array;
  readonly yTrain: Uint8Array;
  readonly xTest: Float32Array;
  readonly yTest: Uint8Array;
}

/**
 * shared/model/scaler.ts's fitScaler over the given rows of `features`, read in place (the same sums in the same
 * order, so the same statistics) instead of over a gathered copy of them.
 */
export function fitScalerRows(features: Float32Array, width: number, rows: Uint32Array): Scaler {
  const mean = new Float64Array(width);
  const sq = new Float64Array(width);
  const n = rows.length;
  for (let k = 0; k < n; k++) for (let c = 0, at = rows[k]! * width; c < width; c++) mean[c]! += features[at + c]!;
  for (let c = 0; c < width; c++) mean[c]! /= n;
  for (let k = 0; k < n; k++)
    for (let c = 0, at = rows[k]! * width; c < width; c++) sq[c]! += (features[at + c]! - mean[c]!) ** 2;
  return { mean: [...mean], std: [...sq].map((v) => Math.sqrt(v / n) || 1) };
}

/** The rows gathered and standardised in one pass (applyScaler's arithmetic), with no unscaled copy between. */
export function scaledRows(features: Float32Array, width: number, rows: Uint32Array, s: Scaler): Float32Array {
  const out = new Float32Array(rows.length * width);
  const mean = Float64Array.from(s.mean);
  const std = Float64Array.from(s.std);
  for (let k = 0; k < rows.length; k++)
    for (let c = 0, at = rows[k]! * width, o = k * width; c < width; c++)
      out[o + c] = (features[at + c]! - mean[c]!) / std[c]!;
  return out;
}

/** Train and test matrices of a split, both scaled by the training rows' statistics; extra row sets scaled alike. */
export function matrices(
  data: Dataset,
  split: { train: Uint32Array; test: Uint32Array },
  extra: Uint32Array[] = [],
): Matrices & { extra: Float32Array[] } {
  const w = data.width;
  const scaler = fitScalerRows(data.features, w, split.train);
  const scaled = (rows: Uint32Array) => scaledRows(data.features, w, rows, scaler);
  return {
    scaler,
    xTrain: scaled(split.train),
    yTrain: gatherLabels(data.labels, split.train),
    xTest: scaled(split.test),
    yTest: gatherLabels(data.labels, split.test),
    extra: extra.map(scaled),
  };
}

/** Day number and card of rows, for card precision (raw histories only). */
export function cardColumns(data: Dataset & { cards?: Uint32Array }, rows: Uint32Array) {
  if (!data.cards) return undefined;
  const cards = data.cards;
  return {
    day: Int32Array.from(rows, (i) => Math.floor(data.time[i]! / 86_400)),
    card: Uint32Array.from(rows, (i) => cards[i]!),
  };
}
