// A confirmed outcome for a transaction (chargeback, confirmed fraud, confirmed genuine), arriving after the fact.
import { z } from 'zod';
import { fraudLabel } from './kaggle.ts';
import { isoDateTime } from './raw.ts';

export const Label = z
  .object({
    transaction_id: z.string().min(1).max(128),
    label: fraudLabel,
    source: z.enum(['chargeback', 'confirmed', 'investigation', 'review']),
    labelled_at: isoDateTime,
    /** Who decided: the analyst of the review queue (a name or an e-mail address); absent for feeds. */
    labelled_by: z
      .string()
      .min(1)
      .max(128)
      .regex(/^[A-Za-z0-9_.:@+-]+$/, 'expected a name or e-mail address of letters, digits and _ . : @ + -')
      .optional(),
  })
  .strict();
export type Label = z.infer<typeof Label>;

export const LABEL_SCHEMA = { name: 'label', version: 1 } as const;
