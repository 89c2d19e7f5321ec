// Verdict publishing's fast path: the field-by-field check never passes what zod refuses, and one encode per
// verdict gives exactly the envelope bytes JSON.stringify gave.
import { describe, expect, it } from 'vitest';
import { Verdict, VERDICT_SCHEMA } from '../../shared/schema/verdict.ts';
import { contentId } from '../../shared/schema/formats.ts';
import { plainlyValid, validTime, verdictEnvelopes } from '../../shared/scoring/verdict-encode.ts';
import { publishable } from '../../shared/scoring/verdicts.ts';
import { silentLogger } from '../../shared/logger.ts';

const at = '2026-12-01T20:00:00.000Z';
const good: Verdict = {
  transaction_id: 'tx-1',
  customer_id: 'c-9',
  probability: 0.73,
  verdict: 'fraud',
  threshold: 0.5,
  model_version: 'v0003',
  reasons: [
    { feature: 'V14', contribution: 0.2 },
    { feature: 'Amount', contribution: -0.01 },
  ],
  scored_at: at,
};

const broken: Array<[string, Record<string, unknown>]> = [
  ['probability NaN', { probability: Number.NaN }],
  ['probability above 1', { probability: 1.5 }],
  ['probability negative', { probability: -0.1 }],
  ['probability as text', { probability: '0.5' }],
  ['threshold Infinity', { threshold: Number.POSITIVE_INFINITY }],
  ['unknown verdict', { verdict: 'maybe' }],
  ['empty model version', { model_version: '' }],
  ['empty transaction id', { transaction_id: '' }],
  ['transaction id too long', { transaction_id: 'x'.repeat(129) }],
  ['empty customer id', { customer_id: '' }],
  ['customer id not text', { customer_id: 7 }],
  ['eleven reasons', { reasons: Array.from({ length: 11 }, () => ({ feature: 'a', contribution: 1 })) }],
  ['a NaN contribution', { reasons: [{ feature: 'a', contribution: Number.NaN }] }],
  ['a reason with no feature', { reasons: [{ feature: '', contribution: 1 }] }],
  ['reasons not a list', { reasons: 'V14' }],
  ['an unknown key', { extra: 1 }],
  ['fallback not a flag', { fallback: 'yes' }],
  ['another time than the batch', { scored_at: 'yesterday' }],
  ['rules fields (left to zod)', { rules: [], decided_by: 'model' }],
];

describe('verdict fast path', () => {
  it('proves the plain verdicts scoring builds valid without zod, and zod agrees', () => {
    for (const v of [good, { ...good, customer_id: undefined }, { ...good, reasons: [], fallback: true }]) {
      expect(plainlyValid(v as Verdict, at)).toBe(true);
      expect(Verdict.safeParse(v).success).toBe(true);
    }
  });

  it.each(broken)('does not pass a verdict with %s by itself (zod decides)', (_name, change) => {
    const v = { ...good, ...change } as Verdict;
    expect(plainlyValid(v, at)).toBe(false);
  });

  it('publishes the fallback, valid by zod, for every broken verdict', () => {
    for (const [, change] of broken) {
      const v = { ...good, ...change } as Verdict;
      const out = publishable(v, { transaction_id: 'tx-1' }, rulesOf(), at, silentLogger);
      expect(Verdict.safeParse(out).success).toBe(true);
      if (!Verdict.safeParse(v).success) expect(out.fallback).toBe(true);
    }
  });

  it('checks the batch time once against the schema and refuses a malformed one', () => {
    expect(validTime(at)).toBe(true);
    expect(validTime('2026-13-45T99:00:00Z')).toBe(false);
  });

  it('encodes each verdict as the bytes of JSON.stringify of its envelope, keyed by customer then transaction', () => {
    const verdicts: Verdict[] = [good, { ...good, transaction_id: 'tx-"2"\u00e9', customer_id: undefined }];
    for (let i = 0; i < 3000; i++) verdicts.push({ ...good, transaction_id: `bulk-${i}`, probability: i / 3000 });
    const source = 'file "a".csv';
    const messages = verdictEnvelopes(verdicts, source, at);
    expect(messages).toHaveLength(verdicts.length);
    messages.forEach((m, i) => {
      const v = verdicts[i]!;
      const expected = JSON.stringify({
        id: contentId(`verdict:${v.transaction_id}`),
        schema: VERDICT_SCHEMA,
        source: { file: source, line: i + 1 },
        ingested_at: at,
        payload: v,
      });
      expect(Buffer.from(m.value as Uint8Array).toString('utf8')).toBe(expected);
      expect(m.key).toBe(v.customer_id ?? v.transaction_id);
      expect(Verdict.safeParse(JSON.parse(expected).payload).success).toBe(true);
    });
  });
});

function rulesOf() {
  return { reviewRatio: 0.5, fallbackVerdict: 'review' as const, reasons: 3 };
}
