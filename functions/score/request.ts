// What the score function accepts: one Kaggle-format transaction (an id optional), or an array of them.
import { z } from 'zod';
import { KaggleTransaction } from '../../shared/schema/kaggle.ts';
import { identifier } from '../../shared/schema/raw.ts';

export const KaggleScoreRequest = KaggleTransaction.extend({
  transaction_id: identifier.optional(),
  customer_id: identifier.optional(),
});
export type KaggleScoreRequest = z.infer<typeof KaggleScoreRequest>;

export const ScoreResponse = z.object({
  transaction_id: z.string(),
  probability: z.number(),
  verdict: z.enum(['fraud', 'review', 'legit']),
  threshold: z.number(),
  model_version: z.string(),
  reasons: z.array(z.object({ feature: z.string(), contribution: z.number() })),
  latency_ms: z.number(),
  fallback: z.boolean().optional(),
});
export type ScoreResponse = z.infer<typeof ScoreResponse>;
