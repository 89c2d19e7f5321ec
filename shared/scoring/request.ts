// What the score function accepts: one transaction in either wire format (Kaggle, an id optional; raw), or an array of them.
import { z } from 'zod';
import { KaggleTransaction } from '../schema/kaggle.ts';
import { identifier, RawTransaction } from '../schema/raw.ts';

export const KaggleScoreRequest = KaggleTransaction.extend({
  transaction_id: identifier.optional(),
  customer_id: identifier.optional(),
});
export type KaggleScoreRequest = z.infer<typeof KaggleScoreRequest>;

/** A raw transaction as the wire format has it; its features come from the online state. */
export const RawScoreRequest = RawTransaction;
export type RawScoreRequest = z.infer<typeof RawScoreRequest>;

/** Which format an item claims: the raw format has a terminal and a date-time, the Kaggle one neither. */
export function requestFormat(item: unknown): 'raw' | 'kaggle' {
  return typeof item === 'object' && item !== null && ('terminal_id' in item || 'tx_datetime' in item)
    ? 'raw'
    : 'kaggle';
}

/** The transactions of one request, all in one format. */
export type ScoreBatch =
  | { readonly format: 'kaggle'; readonly txs: KaggleScoreRequest[] }
  | { readonly format: 'raw'; readonly txs: RawScoreRequest[] };

export const ScoreResponse = z.object({
  transaction_id: z.string(),
  probability: z.number(),
  verdict: z.enum(['fraud', 'review', 'legit']),
  threshold: z.number(),
  model_version: z.string(),
  reasons: z.array(z.object({ feature: z.string(), contribution: z.number() })),
  latency_ms: z.number(),
  fallback: z.boolean().optional(),
  /** With a rules version in force: the rules that fired, what decided the verdict, the model's own verdict. */
  rules: z.array(z.object({ name: z.string(), action: z.enum(['allow', 'block', 'review']) })).optional(),
  decided_by: z.string().optional(),
  model_verdict: z.enum(['fraud', 'review', 'legit']).optional(),
});
export type ScoreResponse = z.infer<typeof ScoreResponse>;
