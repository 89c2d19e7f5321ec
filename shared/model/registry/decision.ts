// A promotion decision kept beside a version: why a challenger was promoted, refused or kept waiting, with the figures.
import { z } from 'zod';

const finiteOrNull = z.number().nullable();
const Figures = z.object({ ap: finiteOrNull, roc_auc: finiteOrNull, card_precision_at_k: finiteOrNull });

export const PromotionDecision = z.object({
  /** The challenger judged, and the champion it was judged against. */
  version: z.string().min(1),
  champion: z.string().min(1),
  at: z.string().min(1),
  /**
   * promoted: it took over; refused: it won but threshold safety refused it; lost: not better by the margin;
   * too-few-frauds: too few matured frauds to judge. Every outcome but promoted leaves it the challenger.
   */
  outcome: z.enum(['promoted', 'refused', 'lost', 'too-few-frauds']),
  reason: z.string(),
  /** What decided it: FRAUDFLOW_PROMOTION=shadow:<n>d on matured live traffic. */
  rule: z.string(),
  window: z.object({ from: z.string(), to: z.string() }).nullable(),
  transactions: z.number().int().nullable(),
  frauds: z.number().int().nullable(),
  champion_figures: Figures.nullable(),
  challenger_figures: Figures.nullable(),
  threshold: z
    .object({
      decision: z.enum(['kept', 'recalibrated', 'refused']),
      champion_alerts: z.number().int(),
      challenger_alerts: z.number().int(),
      shift: finiteOrNull,
      max_shift: z.number(),
      before: z.number(),
      after: z.number(),
    })
    .nullable(),
  /** The version that took over (`<version>.live`), when promoted. */
  promoted_as: z.string().optional(),
});
export type PromotionDecision = z.infer<typeof PromotionDecision>;
