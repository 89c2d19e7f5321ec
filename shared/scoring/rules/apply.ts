// Scoring's step after the model: the rules in force run on each transaction's fields and may change its verdict.
import type { Logger } from '../../logger.ts';
import type { Verdict } from '../../schema/verdict.ts';
import type { RuleFormat } from './fields.ts';
import { firedRules, type RuleValues } from './evaluate.ts';
import { withRules } from './decide.ts';
import type { RulesSource } from './current.ts';

export interface RuleInputs {
  readonly format: RuleFormat;
  /** The fields of the i-th verdict's transaction: built only when a rules version is in force (not on every score). */
  readonly valueOf: (i: number) => RuleValues;
}

export async function applyRules(
  verdicts: readonly Verdict[],
  inputs: RuleInputs | undefined,
  source: RulesSource | undefined,
  logger: Logger,
): Promise<Verdict[]> {
  if (!source || !inputs) return [...verdicts];
  const set = await source.current();
  if (!set) return [...verdicts];
  if (set.format !== inputs.format) {
    logger.warn('score: the rules in force read another format than these transactions; not applied', {
      rules_version: set.version,
      rules_format: set.format,
      format: inputs.format,
    });
    return [...verdicts];
  }
  return verdicts.map((v, i) => withRules(v, firedRules(set, inputs.valueOf(i)), set.version));
}
