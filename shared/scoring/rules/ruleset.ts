// A rules file as the list both evaluators run: the allow and block lists become rules named for them, first.
import type { RuleFormat } from './fields.ts';
import { LIST_FIELDS } from './fields.ts';
import type { Condition, RuleAction, RulesFile } from './schema.ts';

export interface CompiledRule {
  /** The file's name for it, or `allow-list:customer_id` and the like for a list (a file name holds no colon). */
  readonly name: string;
  readonly action: RuleAction;
  readonly when: Condition;
}

export interface RuleSet {
  /** The registry version it came from; `file` for one read straight from a file (a backtest). */
  readonly version: string;
  readonly format: RuleFormat;
  readonly rules: readonly CompiledRule[];
}

export function ruleSetOf(file: RulesFile, version: string): RuleSet {
  const lists: CompiledRule[] = [];
  for (const action of ['allow', 'block'] as const)
    for (const field of LIST_FIELDS) {
      const ids = file.lists?.[action]?.[field] ?? [];
      if (ids.length) lists.push({ name: `${action}-list:${field}`, action, when: { field, op: 'in', value: ids } });
    }
  return { version, format: file.format, rules: [...lists, ...file.rules] };
}
