// The rules file grammar, the TypeScript evaluator and the precedence of rules over the model.
import { describe, expect, it } from 'vitest';
import { RulesFile, type Condition } from '../../shared/scoring/rules/schema.ts';
import { firedRules, matches, rawRuleValues } from '../../shared/scoring/rules/evaluate.ts';
import { ruleSetOf } from '../../shared/scoring/rules/ruleset.ts';
import { decide, withRules } from '../../shared/scoring/rules/decide.ts';
import { RAW_FEATURES } from '../../shared/features/raw/spec.ts';
import { Verdict } from '../../shared/schema/verdict.ts';

const tx = {
  transaction_id: 'tx-1',
  tx_datetime: '2026-03-07T05:30:00Z', // a Saturday, 05:00 UTC
  customer_id: 'c1',
  terminal_id: 't9',
  amount: 6000,
};
const features = RAW_FEATURES.names.map((_, i) => i); // feature i has value i
const values = rawRuleValues(tx, features);
const f = (field: string, op: string, value: unknown) => ({ field, op, value }) as Condition;

describe('the rule evaluator', () => {
  it('reads the transaction fields, the UTC hour and weekday, and every raw feature by its spec name', () => {
    expect(values).toMatchObject({ amount: 6000, customer_id: 'c1', terminal_id: 't9', tx_hour: 5, tx_weekday: 6 });
    expect(values.customer_id_nb_tx_1day_window).toBe(RAW_FEATURES.names.indexOf('customer_id_nb_tx_1day_window'));
    expect(values.terminal_id_risk_7day_window).toBe(RAW_FEATURES.names.indexOf('terminal_id_risk_7day_window'));
  });

  it.each([
    ['>', 5000, true],
    ['>', 6000, false],
    ['>=', 6000, true],
    ['<', 6000, false],
    ['<=', 6000, true],
    ['==', 6000, true],
    ['!=', 6000, false],
    ['!=', 1, true],
  ])('compares a number: amount %s %d is %s', (op, value, want) => {
    expect(matches(f('amount', op, value), values)).toBe(want);
  });

  it('compares ids by equality and membership', () => {
    expect(matches(f('terminal_id', '==', 't9'), values)).toBe(true);
    expect(matches(f('terminal_id', '!=', 't9'), values)).toBe(false);
    expect(matches(f('customer_id', 'in', ['c0', 'c1']), values)).toBe(true);
    expect(matches(f('customer_id', 'in', ['c2']), values)).toBe(false);
    expect(matches(f('tx_weekday', 'in', [0, 6]), values)).toBe(true);
  });

  it('combines with all, any and not', () => {
    const big = f('amount', '>', 5000);
    const small = f('amount', '<', 10);
    expect(matches({ all: [big, f('tx_hour', '<=', 6)] }, values)).toBe(true);
    expect(matches({ all: [big, small] }, values)).toBe(false);
    expect(matches({ any: [small, big] }, values)).toBe(true);
    expect(matches({ any: [small, { not: big }] }, values)).toBe(false);
    expect(matches({ not: { all: [big, small] } }, values)).toBe(true);
  });

  it('treats an absent field as failing every comparison, != included, so not of it holds', () => {
    const none = { Amount: 3 };
    expect(matches(f('customer_id', '!=', 'c1'), none)).toBe(false);
    expect(matches(f('customer_id', '==', 'c1'), none)).toBe(false);
    expect(matches({ not: f('customer_id', '==', 'c1') }, none)).toBe(true);
  });
});

describe('the rules file', () => {
  const parse = (file: unknown) => RulesFile.safeParse(file);
  const messages = (file: unknown) => {
    const r = parse(file);
    return r.success ? [] : r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
  };

  it('accepts the issue examples and a combination, raw by default', () => {
    const r = RulesFile.parse({
      rules: [
        { name: 'big', action: 'block', when: f('amount', '>', 5000) },
        { name: 'busy', action: 'review', when: f('customer_id_nb_tx_1day_window', '>=', 10) },
        {
          name: 'risky-and-big',
          action: 'block',
          when: { all: [f('terminal_id_risk_7day_window', '>', 0.5), f('amount', '>', 100)] },
        },
      ],
      lists: { allow: { customer_id: ['vip-1'] }, block: { terminal_id: ['t-bad'] } },
    });
    expect(r.format).toBe('raw');
  });

  it('refuses a field outside the whitelist, a value of the wrong kind, ordering an id, a duplicate name', () => {
    expect(messages({ rules: [{ name: 'a', action: 'block', when: f('V1', '>', 1) }] })[0]).toMatch(
      /rules\.0\.when\.field: V1 is not a raw field/,
    );
    expect(messages({ rules: [{ name: 'a', action: 'block', when: f('amount', '>', '5') }] })[0]).toMatch(
      /when\.value: amount holds numbers/,
    );
    expect(messages({ rules: [{ name: 'a', action: 'block', when: f('customer_id', '>', 'c1') }] })[0]).toMatch(
      /when\.op: customer_id is an id/,
    );
    const twice = { name: 'a', action: 'review', when: f('amount', '>', 1) };
    expect(messages({ rules: [twice, twice] })[0]).toMatch(/rules\.1\.name: a twice/);
  });

  it('refuses an id value outside the id grammar (no quote can reach the SQL) and a non-finite number', () => {
    expect(
      parse({ rules: [{ name: 'a', action: 'block', when: f('customer_id', '==', "x' OR '1'='1") }] }).success,
    ).toBe(false);
    expect(parse({ rules: [{ name: 'a', action: 'block', when: f('amount', '>', Infinity) }] }).success).toBe(false);
    expect(parse({ rules: [{ name: 'a:b', action: 'block', when: f('amount', '>', 1) }] }).success).toBe(false);
  });

  it('reads Kaggle columns for a Kaggle-format file, and refuses raw features there', () => {
    expect(parse({ format: 'kaggle', rules: [{ name: 'a', action: 'review', when: f('V14', '<', -5) }] }).success).toBe(
      true,
    );
    expect(
      messages({ format: 'kaggle', rules: [{ name: 'a', action: 'review', when: f('amount', '>', 1) }] })[0],
    ).toMatch(/not a kaggle field/);
  });

  it('refuses conditions nested deeper than eight', () => {
    let c: Condition = f('amount', '>', 1);
    for (let i = 0; i < 9; i++) c = { not: c };
    expect(messages({ rules: [{ name: 'deep', action: 'block', when: c }] }).join()).toMatch(/nest at most 8/);
  });
});

describe('rules over the model', () => {
  const model: Verdict = {
    transaction_id: 'tx-1',
    probability: 0.9,
    verdict: 'fraud',
    threshold: 0.5,
    model_version: 'm1',
    reasons: [],
    scored_at: '2026-03-07T05:30:00Z',
  };
  const legit = { ...model, probability: 0.01, verdict: 'legit' as const };
  const set = ruleSetOf(
    RulesFile.parse({
      rules: [
        { name: 'big', action: 'block', when: f('amount', '>', 5000) },
        { name: 'night', action: 'review', when: f('tx_hour', '<=', 6) },
        { name: 'tiny', action: 'allow', when: f('amount', '<', 1) },
      ],
      lists: { allow: { customer_id: ['vip'] }, block: { terminal_id: ['t9'] } },
    }),
    'r1',
  );

  it('turns the lists into rules named for them, listed first', () => {
    expect(set.rules.map((r) => r.name)).toEqual([
      'allow-list:customer_id',
      'block-list:terminal_id',
      'big',
      'night',
      'tiny',
    ]);
    expect(firedRules(set, values)).toEqual([
      { name: 'block-list:terminal_id', action: 'block' },
      { name: 'big', action: 'block' },
      { name: 'night', action: 'review' },
    ]);
  });

  it('lets an allow win over a block and over the model, as Stripe Radar orders allow before block', () => {
    const fired = firedRules(set, { ...values, customer_id: 'vip' });
    expect(decide(model, fired)).toEqual({ verdict: 'legit', decided_by: 'rule:allow-list:customer_id' });
  });

  it('blocks a transaction the model called legit, naming the first block rule', () => {
    expect(decide(legit, firedRules(set, values))).toEqual({
      verdict: 'fraud',
      decided_by: 'rule:block-list:terminal_id',
    });
  });

  it('raises a legit to review but never lowers the model fraud', () => {
    const night = [{ name: 'night', action: 'review' as const }];
    expect(decide(legit, night)).toEqual({ verdict: 'review', decided_by: 'rule:night' });
    expect(decide(model, night)).toEqual({ verdict: 'fraud', decided_by: 'model' });
    expect(decide({ ...legit, fallback: true, model_version: 'fallback' }, [])).toEqual({
      verdict: 'legit',
      decided_by: 'fallback',
    });
  });

  it('keeps the model verdict, the fired rules and the version in a verdict the schema accepts', () => {
    const v = withRules(legit, firedRules(set, values), 'r1');
    expect(v).toMatchObject({ verdict: 'fraud', model_verdict: 'legit', decided_by: 'rule:block-list:terminal_id' });
    expect(v.rules).toHaveLength(3);
    expect(Verdict.safeParse(v).success).toBe(true);
    expect(Verdict.safeParse(legit).success).toBe(true); // a verdict without rules stays valid
  });
});
