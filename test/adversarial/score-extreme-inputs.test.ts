// Extreme inputs never fail open: a non-finite feature or score gives the fallback verdict, and every published verdict passes its schema.
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scoreBatch, scoreTransactions } from '../../shared/scoring/score.ts';
import { publishable } from '../../shared/scoring/verdicts.ts';
import { EmbeddedEventLog } from '../../shared/eventlog/embedded/embedded.ts';
import { FraudflowError } from '../../shared/errors.ts';
import { KAGGLE_FEATURES } from '../../shared/features/kaggle.ts';
import { MemoryFeatureState } from '../../shared/features/raw/memory-state.ts';
import { RAW_FEATURES } from '../../shared/features/raw/spec.ts';
import { silentLogger } from '../../shared/logger.ts';
import type { ModelEndpoint } from '../../shared/model/port.ts';
import { PCA_COLUMNS } from '../../shared/schema/kaggle.ts';
import { Verdict } from '../../shared/schema/verdict.ts';
import { topicSpecs } from '../../shared/topics.ts';
import { tempDir } from '../helpers/tmp.ts';
import { championWith } from './champion.ts';
import { publishedVerdicts } from '../helpers/published-verdicts.ts';

const dir = tempDir('fraudflow-extreme-');
let log: EmbeddedEventLog;
let plain: ModelEndpoint;
let unstable: ModelEndpoint;
const options = { reviewRatio: 0.5, fallbackVerdict: 'review' as const, reasons: 3, explainAll: true, source: 'test' };

beforeAll(async () => {
  log = new EmbeddedEventLog({ path: join(dir.path, 'log.sqlite') });
  for (const s of topicSpecs(2)) await log.ensureTopic(s);
  plain = (await championWith(join(dir.path, 'a'), 'plain', KAGGLE_FEATURES, { V1: 1 })).endpoint;
  // A degenerate scaler (std 1e-320, a nearly constant training column): infinite folded weights, so bounded inputs score NaN.
  unstable = (
    await championWith(join(dir.path, 'b'), 'unstable', KAGGLE_FEATURES, { V1: 1, V2: 1 }, 0, {
      V1: 1e-320,
      V2: 1e-320,
    })
  ).endpoint;
}, 60_000);
afterAll(async () => {
  await log.close();
  dir.cleanup();
});

const kaggle = (id: string, over: Record<string, number> = {}) =>
  ({
    Time: 10,
    ...Object.fromEntries(PCA_COLUMNS.map((c) => [c, 0])),
    Amount: 5,
    transaction_id: id,
    ...over,
  }) as never;

const published = () => publishedVerdicts(log);

describe('scoring extreme inputs', () => {
  it('gives V1 = 1e308, V2 = -1e308 the fallback verdict, and still scores the rest of the batch with the model', async () => {
    const ports = { model: plain, eventLog: log, logger: silentLogger };
    const verdicts = await scoreTransactions(
      [kaggle('huge', { V1: 1e308, V2: -1e308 }), kaggle('nan', { V3: Number.NaN }), kaggle('fine', { V1: 2 })],
      ports,
      options,
    );
    expect(verdicts.map((v) => [v.transaction_id, v.verdict, v.fallback ?? false, v.model_version])).toEqual([
      ['huge', 'review', true, 'fallback'],
      ['nan', 'review', true, 'fallback'],
      ['fine', 'fraud', false, 'plain'],
    ]);
    expect(verdicts[2]!.probability).toBeCloseTo(1 / (1 + Math.exp(-2)), 5);
    const out = await published();
    expect(out.filter((v) => ['huge', 'nan', 'fine'].includes(v.transaction_id))).toHaveLength(3);
  });

  it('gives a NaN score from a real model the fallback verdict, never probability null', async () => {
    const [v] = await scoreTransactions(
      [kaggle('unstable', { V1: 1000, V2: -1000 })],
      { model: unstable, eventLog: log, logger: silentLogger },
      options,
    );
    expect(v).toMatchObject({ transaction_id: 'unstable', verdict: 'review', fallback: true, probability: 0 });
    expect(Verdict.safeParse(v).success).toBe(true);
  });

  it('on any feature values at all, answers one verdict per transaction, each passing the verdict schema', async () => {
    const value = fc.oneof(
      fc.double(),
      fc.constantFrom(1e308, -1e308, 2e300, Number.NaN, Infinity, -Infinity, -0, 1000, -1000),
    );
    const row = fc.record({ V1: value, V2: value, V5: value, Amount: fc.oneof(value, fc.constant(5)) });
    await fc.assert(
      fc.asyncProperty(fc.array(row, { minLength: 1, maxLength: 6 }), fc.boolean(), async (rows, useUnstable) => {
        const txs = rows.map((r, i) => kaggle(`p${i}`, r));
        const verdicts = await scoreTransactions(
          txs,
          { model: useUnstable ? unstable : plain, eventLog: log, logger: silentLogger },
          options,
        );
        expect(verdicts).toHaveLength(txs.length);
        for (const v of verdicts) {
          expect(Verdict.safeParse(v).success).toBe(true);
          if (!v.fallback) expect(Number.isFinite(v.probability)).toBe(true);
        }
      }),
      { numRuns: 60 },
    );
    expect((await published()).every((v) => Verdict.safeParse(v).success)).toBe(true);
  }, 60_000);

  it('replaces a verdict that fails the verdict schema by the fallback one before it is published', () => {
    const bad: Verdict = {
      transaction_id: 't1',
      probability: 1.5,
      verdict: 'fraud',
      threshold: 0.5,
      model_version: 'm',
      reasons: [],
      scored_at: '2026-04-01T10:00:00.000Z',
    };
    const at = '2026-04-01T10:00:00.000Z';
    expect(publishable(bad, { transaction_id: 't1' }, options, at, silentLogger)).toMatchObject({
      transaction_id: 't1',
      fallback: true,
      verdict: 'review',
    });
    expect(() => publishable(bad, { transaction_id: 'x'.repeat(200) }, options, at, silentLogger)).toThrow(
      FraudflowError,
    );
  });
});

describe('online scoring refuses a time too far ahead of the clock', () => {
  const now = new Date('2026-06-01T00:00:00Z');
  const raw = (id: string, at: string) => ({
    transaction_id: id,
    tx_datetime: at,
    customer_id: `cust-${id}`,
    terminal_id: 'term-1',
    amount: 10,
  });
  let rawModel: ModelEndpoint;
  beforeAll(async () => {
    rawModel = (await championWith(join(dir.path, 'r'), 'raw-1', RAW_FEATURES, { tx_amount: 0.01 })).endpoint;
  });

  it('accepts up to the configured skew, refuses beyond it with TIME_OUT_OF_RANGE (422) naming the transaction, and records nothing', async () => {
    const features = new MemoryFeatureState();
    const ports = { model: rawModel, eventLog: log, logger: silentLogger, features, now: () => now };
    const ok = await scoreBatch({ format: 'raw', txs: [raw('a', '2026-06-02T00:00:00Z')] }, ports, {
      ...options,
      maxFutureSkewSeconds: 86_400,
    });
    expect(ok[0]).toMatchObject({ transaction_id: 'a', model_version: 'raw-1' });
    const e = await scoreBatch(
      { format: 'raw', txs: [raw('b', '2026-06-01T10:00:00Z'), raw('c', '2026-06-02T00:00:01+00:00')] },
      ports,
      { ...options, maxFutureSkewSeconds: 86_400 },
    ).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(FraudflowError);
    expect((e as FraudflowError).code).toBe('TIME_OUT_OF_RANGE');
    expect((e as FraudflowError).httpStatus).toBe(422);
    expect((e as Error).message).toBe(
      'transaction c: tx_datetime: 2026-06-02T00:00:01+00:00 is 86401 s ahead of the clock (2026-06-01T00:00:00.000Z); ' +
        'online scoring accepts at most 86400 s ahead (FRAUDFLOW_MAX_FUTURE_SKEW_SECONDS)',
    );
    // The refused request left no trace in the state: neither the too-early transaction nor its neighbour.
    expect(await features.keptEvents('customer', 'cust-b')).toBe(0);
    expect(await features.keptEvents('customer', 'cust-c')).toBe(0);
  });

  it('takes the limit from the option (a minute here), and the default is a day', async () => {
    const ports = {
      model: rawModel,
      eventLog: log,
      logger: silentLogger,
      features: new MemoryFeatureState(),
      now: () => now,
    };
    const minuteAhead = { format: 'raw' as const, txs: [raw('d', '2026-06-01T00:01:01Z')] };
    await expect(scoreBatch(minuteAhead, ports, { ...options, maxFutureSkewSeconds: 60 })).rejects.toMatchObject({
      code: 'TIME_OUT_OF_RANGE',
    });
    expect(await scoreBatch(minuteAhead, ports, options)).toHaveLength(1);
    await expect(
      scoreBatch({ format: 'raw', txs: [raw('e', '2026-06-02T00:00:01Z')] }, ports, options),
    ).rejects.toMatchObject({ code: 'TIME_OUT_OF_RANGE' });
  });
});
