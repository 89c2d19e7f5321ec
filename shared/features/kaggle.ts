// Model features of a Kaggle-format row, the same code for training and for scoring.
import { PCA_COLUMNS, type KaggleTransaction } from '../schema/kaggle.ts';

export const KAGGLE_FEATURES = {
  name: 'kaggle',
  version: 1,
  names: [...PCA_COLUMNS, 'log_amount', 'hour_sin', 'hour_cos'] as string[],
} as const;

export type KaggleFeatureInput = Pick<KaggleTransaction, 'Time' | 'Amount'> & Record<(typeof PCA_COLUMNS)[number], number>;

/** Writes the features of one row into `out` at `offset` (no allocation on the scoring path). */
export function kaggleFeatures(row: KaggleFeatureInput, out: Float32Array, offset = 0): void {
  for (let i = 0; i < PCA_COLUMNS.length; i++) out[offset + i] = row[PCA_COLUMNS[i]!] as number;
  out[offset + 28] = Math.log1p(row.Amount);
  // Time is seconds since the first transaction; the set starts at midnight, so this is the hour of the day.
  const hour = ((row.Time % 86_400) / 3600) * ((2 * Math.PI) / 24);
  out[offset + 29] = Math.sin(hour);
  out[offset + 30] = Math.cos(hour);
}
