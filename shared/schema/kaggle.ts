// The Kaggle/ULB card format: Time, V1..V28 (PCA components), Amount, Class (absent when scoring).
import { z } from 'zod';

export const PCA_COLUMNS = Array.from({ length: 28 }, (_, i) => `V${i + 1}` as const);
type PcaColumn = (typeof PCA_COLUMNS)[number];

const finite = z.number(); // zod 4 numbers reject NaN and +-Infinity
const pcaShape = Object.fromEntries(PCA_COLUMNS.map((c) => [c, finite])) as Record<PcaColumn, typeof finite>;

export const fraudLabel = z.union([z.literal(0), z.literal(1)]);

export const KaggleTransaction = z
  .object({
    Time: z.number().nonnegative().describe('seconds since the first transaction of the data set'),
    ...pcaShape,
    Amount: z.number().nonnegative().describe('transaction amount'),
    Class: fraudLabel.optional().describe('1 = fraud, 0 = genuine; absent when scoring'),
  })
  .strict();
export type KaggleTransaction = z.infer<typeof KaggleTransaction>;

export const KAGGLE_SCHEMA = { name: 'kaggle', version: 1 } as const;
