// Gathers split rows into standardised matrices (statistics from the training rows only) and counts their frauds.
import { fitScaler, applyScaler, type Scaler } from '../../shared/model/scaler.ts';
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

/** Train and test matrices of a split, both scaled by the training rows' statistics; extra row sets scaled alike. */
export function matrices(
  data: Dataset,
  split: { train: Uint32Array; test: Uint32Array },
  extra: Uint32Array[] = [],
): Matrices & { extra: Float32Array[] } {
  const w = data.width;
  const rawTrain = gatherRows(data.features, w, split.train);
  const scaler = fitScaler(rawTrain, w, [0, split.train.length]);
  const scaled = (rows: Uint32Array) => applyScaler(gatherRows(data.features, w, rows), w, [0, rows.length], scaler);
  return {
    scaler,
    xTrain: applyScaler(rawTrain, w, [0, split.train.length], scaler),
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
