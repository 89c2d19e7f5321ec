// The Kaggle/ULB card format: Time, V1..V28 (PCA components), Amount, Class (absent when scoring).
import { z } from 'zod';
import { MAX_AMOUNT, MAX_KAGGLE_TIME_SECONDS, MAX_PCA_MAGNITUDE } from './limits.ts';
import { atLeast, atMost, boundedNumber, numberLiterals } from './numbers.ts';

export const PCA_COLUMNS = Array.from({ length: 28 }, (_, i) => `V${i + 1}` as const);
type PcaColumn = (typeof PCA_COLUMNS)[number];

// zod 4 numbers reject NaN and +-Infinity; the bounds refuse the finite but absurd (limits.ts says why each is where it is).
const component = boundedNumber({ integer: false, min: atLeast(-MAX_PCA_MAGNITUDE), max: atMost(MAX_PCA_MAGNITUDE) });
const pcaShape = Object.fromEntries(PCA_COLUMNS.map((c) => [c, component])) as Record<PcaColumn, typeof component>;

export const fraudLabel = numberLiterals([0, 1]);

export const KaggleTransaction = z
  .object({
    Time: boundedNumber(
      { integer: false, min: atLeast(0), max: atMost(MAX_KAGGLE_TIME_SECONDS) },
      'seconds since the first transaction of the data set',
    ),
    ...pcaShape,
    Amount: boundedNumber({ integer: false, min: atLeast(0), max: atMost(MAX_AMOUNT) }, 'transaction amount'),
    Class: fraudLabel.optional().describe('1 = fraud, 0 = genuine; absent when scoring'),
  })
  .strict();
export type KaggleTransaction = z.infer<typeof KaggleTransaction>;

export const KAGGLE_SCHEMA = { name: 'kaggle', version: 1 } as const;
