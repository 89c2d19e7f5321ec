// A confirmed outcome for a transaction (chargeback, confirmed fraud, confirmed genuine), arriving after the fact.
import { z } from 'zod';
import { fraudLabel } from './kaggle.ts';
import { isoDateTime } from './raw.ts';

export const Label = z
  .object({
    transaction_id: z.string().min(1).max(128),
    label: fraudLabel,
    source: z.enum(['chargeback', 'confirmed', 'investigation']),
    labelled_at: isoDateTime,
  })
  .strict();
export type Label = z.infer<typeof Label>;

export const LABEL_SCHEMA = { name: 'label', version: 1 } as const;
