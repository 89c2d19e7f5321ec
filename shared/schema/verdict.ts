// A scoring verdict, as the score function publishes it to the `verdicts` topic.
import { z } from 'zod';
import { isoDateTime } from './raw.ts';

export const VERDICTS = ['fraud', 'review', 'legit'] as const;

export const VERDICT_ROLES = ['champion', 'shadow'] as const;
export type VerdictRole = (typeof VERDICT_ROLES)[number];
/** The role of a verdict: champion unless it says otherwise. */
export const roleOf = (v: { readonly role?: VerdictRole | undefined }): VerdictRole => v.role ?? 'champion';

export const FeatureContribution = z.object({ feature: z.string().min(1), contribution: z.number() });

export const Verdict = z
  .object({
    transaction_id: z.string().min(1).max(128),
    customer_id: z.string().min(1).max(128).optional(),
    probability: z.number().min(0).max(1),
    verdict: z.enum(VERDICTS),
    threshold: z.number().min(0).max(1),
    model_version: z.string().min(1),
    /** Largest contributions to the score, most important first. */
    reasons: z.array(FeatureContribution).max(10),
    scored_at: isoDateTime,
    /** Set when the model endpoint failed and the fallback rule decided. */
    fallback: z.boolean().optional(),
    /** The rules that fired, in the rules file's order (lists first); absent when no rules version is in force. */
    rules: z
      .array(z.object({ name: z.string().min(1).max(80), action: z.enum(['allow', 'block', 'review']) }).strict())
      .max(256)
      .optional(),
    /** What decided `verdict`: `model`, `fallback`, or `rule:<name>` (an allow, block or review rule). */
    decided_by: z.string().min(1).max(90).optional(),
    /** The model's own verdict, before the rules (the champion's flag, for a rules backtest). */
    model_verdict: z.enum(VERDICTS).optional(),
    /** The rules version in force. */
    rules_version: z.string().min(1).max(80).optional(),
    /** Who scored it: the champion (whose verdict is the answer; absent means champion) or the shadow challenger. */
    role: z.enum(VERDICT_ROLES).optional(),
  })
  .strict();
export type Verdict = z.infer<typeof Verdict>;

export const VERDICT_SCHEMA = { name: 'verdict', version: 1 } as const;
