// Rules and model to one verdict. Precedence, as Stripe Radar orders its rules: an allow (rule or list) wins over
// everything, a block over the model, the model's fraud or review stands, and a review rule raises only a legit.
import type { Verdict } from '../../schema/verdict.ts';
import type { FiredRule } from './evaluate.ts';

export interface RuledVerdict {
  readonly verdict: Verdict['verdict'];
  /** `rule:<name>` for the rule that decided, else `model` (or `fallback` when the model could not answer). */
  readonly decided_by: string;
}

export function decide(model: Verdict, fired: readonly FiredRule[]): RuledVerdict {
  const first = (action: FiredRule['action']) => fired.find((r) => r.action === action);
  const allow = first('allow');
  if (allow) return { verdict: 'legit', decided_by: `rule:${allow.name}` };
  const block = first('block');
  if (block) return { verdict: 'fraud', decided_by: `rule:${block.name}` };
  const own = model.fallback ? 'fallback' : 'model';
  const review = first('review');
  if (review && model.verdict === 'legit') return { verdict: 'review', decided_by: `rule:${review.name}` };
  return { verdict: model.verdict, decided_by: own };
}

/** The model's verdict with the rules applied: which fired, which decided, what the model alone said. */
export function withRules(model: Verdict, fired: readonly FiredRule[], rulesVersion: string): Verdict {
  const d = decide(model, fired);
  return {
    ...model,
    verdict: d.verdict,
    model_verdict: model.verdict,
    rules: fired.map((r) => ({ name: r.name, action: r.action })),
    decided_by: d.decided_by,
    rules_version: rulesVersion,
  };
}
