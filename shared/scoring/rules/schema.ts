// The rules file: named conditions over whitelisted fields with an action, and allow / block lists; validated by zod.
import { z } from 'zod';
import { identifier } from '../../schema/raw.ts';
import { LIST_FIELDS, RULE_FIELDS, RULE_FORMATS, type RuleFormat } from './fields.ts';

export const RULE_ACTIONS = ['allow', 'block', 'review'] as const;
export type RuleAction = (typeof RULE_ACTIONS)[number];
export const COMPARISONS = ['>', '>=', '<', '<=', '==', '!='] as const;
export type Comparison = (typeof COMPARISONS)[number];

/** How deep conditions nest and how many an `all` / `any` holds: bounds on the SQL a rule compiles to. */
export const MAX_DEPTH = 8;
const MAX_CHILDREN = 32;
const MAX_IN_VALUES = 10_000;

// zod 4 numbers refuse NaN and +-Infinity: every value has an exact literal in SQL.
const value = z.union([z.number(), identifier]);

export type Condition =
  | { all: Condition[] }
  | { any: Condition[] }
  | { not: Condition }
  | { field: string; op: Comparison; value: number | string }
  | { field: string; op: 'in'; value: Array<number | string> };

export const Condition: z.ZodType<Condition> = z.lazy(() =>
  z.union([
    z.object({ all: z.array(Condition).min(1).max(MAX_CHILDREN) }).strict(),
    z.object({ any: z.array(Condition).min(1).max(MAX_CHILDREN) }).strict(),
    z.object({ not: Condition }).strict(),
    z.object({ field: z.string(), op: z.enum(COMPARISONS), value }).strict(),
    z.object({ field: z.string(), op: z.literal('in'), value: z.array(value).min(1).max(MAX_IN_VALUES) }).strict(),
  ]),
);

export const RULE_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;

export const Rule = z
  .object({
    name: z.string().regex(RULE_NAME, 'expected 1-64 letters, digits, _ . or -, starting with a letter or digit'),
    action: z.enum(RULE_ACTIONS),
    when: Condition,
    description: z.string().max(500).optional(),
  })
  .strict();
export type Rule = z.infer<typeof Rule>;

const idList = z.array(identifier).max(MAX_IN_VALUES);
const ListsOf = z.object(Object.fromEntries(LIST_FIELDS.map((f) => [f, idList.optional()]))).strict() as z.ZodType<
  Partial<Record<(typeof LIST_FIELDS)[number], string[]>>
>;

export const RulesFile = z
  .object({
    /** The transaction format the rules read (the champion's): raw unless said. */
    format: z.enum(RULE_FORMATS).default('raw'),
    rules: z.array(Rule).max(200),
    lists: z.object({ allow: ListsOf.optional(), block: ListsOf.optional() }).strict().optional(),
  })
  .strict()
  .superRefine((file, ctx) => {
    const seen = new Set<string>();
    file.rules.forEach((r, i) => {
      if (seen.has(r.name)) ctx.addIssue({ code: 'custom', path: ['rules', i, 'name'], message: `${r.name} twice` });
      seen.add(r.name);
      for (const problem of conditionProblems(r.when, file.format, ['rules', i, 'when'], 1))
        ctx.addIssue({ code: 'custom', ...problem });
    });
  });
export type RulesFile = z.infer<typeof RulesFile>;

/** Fields outside the format's whitelist, values of the wrong kind, ordering a text field, nesting too deep. */
function conditionProblems(
  c: Condition,
  format: RuleFormat,
  path: Array<string | number>,
  depth: number,
): Array<{ path: Array<string | number>; message: string }> {
  if (depth > MAX_DEPTH) return [{ path, message: `conditions nest at most ${MAX_DEPTH} deep` }];
  if ('all' in c || 'any' in c) {
    const key = 'all' in c ? 'all' : 'any';
    const children = 'all' in c ? c.all : c.any;
    return children.flatMap((child, i) => conditionProblems(child, format, [...path, key, i], depth + 1));
  }
  if ('not' in c) return conditionProblems(c.not, format, [...path, 'not'], depth + 1);
  const kind = RULE_FIELDS[format].get(c.field);
  if (!kind)
    return [
      {
        path: [...path, 'field'],
        message: `${c.field} is not a ${format} field; known: ${[...RULE_FIELDS[format].keys()].join(', ')}`,
      },
    ];
  const values = Array.isArray(c.value) ? c.value : [c.value];
  const want = kind === 'number' ? 'number' : 'string';
  if (values.some((v) => typeof v !== want))
    return [{ path: [...path, 'value'], message: `${c.field} holds ${kind === 'number' ? 'numbers' : 'ids (text)'}` }];
  if (kind === 'id' && c.op !== '==' && c.op !== '!=' && c.op !== 'in')
    return [{ path: [...path, 'op'], message: `${c.field} is an id: only ==, != and in apply` }];
  return [];
}
