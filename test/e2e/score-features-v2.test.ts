// Scoring computes the features its model needs: a champion on raw v1 and one on raw v2 score from one shared feature
// state side by side, each with its own spec's width, and a v2 feature (hours since the previous transaction) moves its score;
// a champion on raw v3 scores with its 21 features, a ratio moving its score.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EmbeddedEventLog } from '../../shared/eventlog/embedded/embedded.ts';
import { topicSpecs } from '../../shared/topics.ts';
import { MemoryFeatureState } from '../../shared/features/raw/memory-state.ts';
import { RAW_FEATURES, RAW_FEATURES_V2, RAW_FEATURES_V3 } from '../../shared/features/raw/spec.ts';
import { silentLogger } from '../../shared/logger.ts';
import { scoreBatch } from '../../shared/scoring/score.ts';
import { championWith } from '../adversarial/champion.ts';
import { tempDir } from '../helpers/tmp.ts';

const dir = tempDir('fraudflow-score-v2-');
let log: EmbeddedEventLog;
const options = { reviewRatio: 0.5, fallbackVerdict: 'review' as const, reasons: 3, explainAll: false, source: 'test' };
const raw = (id: string, at: string) => ({
  transaction_id: id,
  tx_datetime: at,
  customer_id: 'cust-1',
  terminal_id: 'term-1',
  amount: 10,
});

beforeAll(async () => {
  log = new EmbeddedEventLog({ path: join(dir.path, 'log.sqlite') });
  for (const s of topicSpecs(2)) await log.ensureTopic(s);
}, 60_000);
afterAll(async () => {
  await log.close();
  dir.cleanup();
});

describe('a v1 champion and a v2 challenger side by side', () => {
  it('each scores with the features of its own spec, from the same state', async () => {
    const v1 = (await championWith(join(dir.path, 'v1'), 'raw-v1', RAW_FEATURES, { tx_amount: 0.01 })).endpoint;
    // Weighted on v2's recency only: a customer back after 720 hours scores higher than one back after 1 hour.
    const v2 = (
      await championWith(join(dir.path, 'v2'), 'raw-v2', RAW_FEATURES_V2, { customer_hours_since_previous_tx: 0.01 })
    ).endpoint;
    const features = new MemoryFeatureState();
    const now = () => new Date('2026-06-03T00:00:00Z');
    const ports = (model: typeof v1) => ({ model, eventLog: log, logger: silentLogger, features, now });
    const first = await scoreBatch({ format: 'raw', txs: [raw('a', '2026-06-01T00:00:00Z')] }, ports(v2), options);
    const second = await scoreBatch({ format: 'raw', txs: [raw('b', '2026-06-01T01:00:00Z')] }, ports(v2), options);
    const byV1 = await scoreBatch({ format: 'raw', txs: [raw('c', '2026-06-01T02:00:00Z')] }, ports(v1), options);
    expect(first[0]).toMatchObject({ model_version: 'raw-v2' });
    expect(byV1[0]).toMatchObject({ model_version: 'raw-v1' });
    expect(first[0]!.probability).toBeGreaterThan(second[0]!.probability);
    // The v1 model saw its 15 features (its tx_amount weight only): the same score as a first transaction of 10.
    const alone = await scoreBatch(
      { format: 'raw', txs: [{ ...raw('d', '2026-06-01T03:00:00Z'), customer_id: 'other' }] },
      ports(v1),
      options,
    );
    expect(byV1[0]!.probability).toBe(alone[0]!.probability);
    expect(await features.keptEvents('customer', 'cust-1')).toBe(3);
  }, 60_000);
});

describe('a v3 champion', () => {
  it("scores with v3's features: the amount over the customer's mean moves its score", async () => {
    // Weighted on the 30-day ratio only: 100 after a 10 (ratio 100/55) scores above a first 100 (ratio 1).
    const v3 = (
      await championWith(join(dir.path, 'v3'), 'raw-v3', RAW_FEATURES_V3, { amount_over_customer_avg_30day_window: 1 })
    ).endpoint;
    const features = new MemoryFeatureState();
    const now = () => new Date('2026-06-03T00:00:00Z');
    const ports = { model: v3, eventLog: log, logger: silentLogger, features, now };
    const tx = (id: string, at: string, customer: string, amount: number) => ({
      ...raw(id, at),
      customer_id: customer,
      amount,
    });
    await scoreBatch({ format: 'raw', txs: [tx('v3a', '2026-06-01T00:00:00Z', 'k1', 10)] }, ports, options);
    const back = await scoreBatch(
      { format: 'raw', txs: [tx('v3b', '2026-06-01T01:00:00Z', 'k1', 100)] },
      ports,
      options,
    );
    const first = await scoreBatch(
      { format: 'raw', txs: [tx('v3c', '2026-06-01T02:00:00Z', 'k2', 100)] },
      ports,
      options,
    );
    expect(back[0]).toMatchObject({ model_version: 'raw-v3' });
    expect(back[0]!.probability).toBeGreaterThan(first[0]!.probability);
    expect(await features.keptEvents('customer', 'k1')).toBe(2);
  }, 60_000);
});
