// A v2 challenger beside a v1 champion, over real HTTP and the real stream: the scorer computes the union of both
// specs once per transaction, the champion's answers are those of a run without any shadow, and the challenger's
// verdicts carry its v2 scores (its own columns, by name) on `verdicts.shadow`.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ObjectStoreRegistry } from '../../shared/model/registry/objectstore/registry.ts';
import { LocalModelEndpoint } from '../../shared/model/local/local.ts';
import { EmbeddedEventLog } from '../../shared/eventlog/embedded/embedded.ts';
import { MemoryFeatureState } from '../../shared/features/raw/memory-state.ts';
import { computeAndRecord } from '../../shared/features/raw/compute.ts';
import { RAW_FEATURES, RAW_FEATURES_V2 } from '../../shared/features/raw/spec.ts';
import { scorerOf } from '../../shared/model/scorer.ts';
import { scoreRawTransactions } from '../../shared/scoring/score.ts';
import { silentLogger } from '../../shared/logger.ts';
import { contentId } from '../../shared/schema/formats.ts';
import { TOPICS, topicSpecs } from '../../shared/topics.ts';
import type { Verdict } from '../../shared/schema/verdict.ts';
import { tempDir } from '../helpers/tmp.ts';
import { serveFunction, type Served } from '../helpers/serve-function.ts';
import { championWith } from '../adversarial/champion.ts';
import { tinyManifest, tinyModel } from '../helpers/model.ts';
import { waitFor } from '../helpers/wait.ts';

const dir = tempDir('fraudflow-shadow-v2-');
let served: Served | undefined;
let registry: ObjectStoreRegistry;
const CHAMPION = { tx_amount: 0.01, customer_id_nb_tx_1day_window: 0.3, customer_id_avg_amount_7day_window: 0.002 };
const SHADOW = { amount_over_customer_avg_1day_window: 1.2, customer_hours_since_previous_tx: 0.01 };
/** As the score function and the stream call the core (HTTP explains every answer, the stream flagged ones). */
const options = { reviewRatio: 0.5, fallbackVerdict: 'review' as const, reasons: 3, explainAll: true, source: 'test' };

/** Five transactions of one customer, hours apart and of changing amounts, so the v2 ratios and recency move. */
const txsOf = (prefix: string, day: string) =>
  [40, 400, 35, 900, 60].map((amount, i) => ({
    transaction_id: `${prefix}-${i}`,
    tx_datetime: `${day}T0${i * 2}:00:00Z`,
    customer_id: `${prefix}-cust`,
    terminal_id: `${prefix}-term`,
    amount,
  }));
type Tx = ReturnType<typeof txsOf>[number];

const runtime = async () => (await import('../../shared/runtime.ts')).processRuntime();

/** Every payload on `topic` so far, by transaction id. */
async function onTopic(topic: string): Promise<Map<string, Record<string, unknown>>> {
  const consumer = await (await (await runtime()).eventLog()).consumer(`read-${topic}-${Date.now()}`, topic);
  const out = new Map<string, Record<string, unknown>>();
  try {
    for (;;) {
      const records = await consumer.poll({ maxRecords: 500, maxWaitMs: 50 });
      if (records.length === 0) return out;
      for (const r of records) {
        const p = JSON.parse(r.value.toString()).payload as Record<string, unknown>;
        out.set(String(p.transaction_id), p);
      }
    }
  } finally {
    await consumer.close();
  }
}

/** The champion's verdicts without any shadow: the same transactions, in order, on a fresh state. */
async function withoutShadow(txs: readonly Tx[], calls: Tx[][], explainAll: boolean): Promise<Map<string, Verdict>> {
  const log = new EmbeddedEventLog({ path: join(dir.path, `baseline-${txs[0]!.transaction_id}.sqlite`) });
  for (const s of topicSpecs(1)) await log.ensureTopic(s);
  const ports = {
    model: new LocalModelEndpoint(registry, 0),
    eventLog: log,
    logger: silentLogger,
    features: new MemoryFeatureState(),
  };
  const out = new Map<string, Verdict>();
  for (const call of calls)
    for (const v of await scoreRawTransactions(call, ports, { ...options, explainAll })) out.set(v.transaction_id, v);
  await log.close();
  return out;
}

/** The challenger's probability from its own v2 features, computed apart on a fresh state. */
async function shadowExpected(txs: readonly Tx[]): Promise<Map<string, number>> {
  const state = new MemoryFeatureState();
  const { model, manifest } = await registry.loadAny('raw-s2');
  const scorer = scorerOf(model, manifest);
  const out = new Map<string, number>();
  for (const t of txs) {
    const f = await computeAndRecord(t, state, RAW_FEATURES_V2);
    out.set(t.transaction_id, scorer.predict(Float32Array.from(f))[0]!);
  }
  model.dispose();
  return out;
}

/** What the answer says, without the clock and the HTTP body's latency or the customer id it omits. */
const answer = (v: Record<string, unknown>) => {
  const { scored_at: _at, latency_ms: _ms, customer_id: _c, ...rest } = v;
  return rest;
};

beforeAll(async () => {
  Object.assign(process.env, {
    FRAUDFLOW_DATA_DIR: dir.path,
    FRAUDFLOW_SHADOW: 'auto',
    FRAUDFLOW_SHADOW_HTTP_SHARE: '1',
  });
  ({ registry } = await championWith(dir.path, 'raw-c1', RAW_FEATURES, CHAMPION, -3));
  const promotion = { promoted: false, reason: 'below the margin', margin: 0.005, champion: null };
  await registry.save(
    tinyManifest('raw-s2', { feature_spec: RAW_FEATURES_V2, promotion }),
    tinyModel(
      RAW_FEATURES_V2.names.map((n) => (SHADOW as Record<string, number>)[n] ?? 0),
      -2,
    ),
  );
  await import('../../functions/score/index.ts');
  served = await serveFunction('score');
}, 60_000);

afterAll(async () => {
  await served?.stop();
  dir.cleanup();
  for (const k of ['FRAUDFLOW_SHADOW', 'FRAUDFLOW_SHADOW_HTTP_SHARE']) delete process.env[k];
});

describe('a v2 challenger beside a v1 champion', () => {
  it('over HTTP: answers as without a shadow, and the challenger scores its v2 features', async () => {
    const txs = txsOf('h', '2026-03-02');
    const answers = new Map<string, Record<string, unknown>>();
    for (const t of txs) {
      const res = await fetch(served!.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(t),
      });
      expect(res.status).toBe(200);
      const v = (await res.json()) as Record<string, unknown>;
      answers.set(String(v.transaction_id), v);
    }
    const baseline = await withoutShadow(
      txs,
      txs.map((t) => [t]),
      true,
    );
    for (const t of txs)
      expect(answer(answers.get(t.transaction_id)!)).toEqual(
        answer(JSON.parse(JSON.stringify(baseline.get(t.transaction_id)))),
      );
    expect([...answers.values()].map((v) => v.model_version)).toEqual(txs.map(() => 'raw-c1'));
    const shadow = await waitFor(
      async () => {
        const seen = await onTopic(TOPICS.verdictsShadow);
        return txs.every((t) => seen.has(t.transaction_id)) ? seen : undefined;
      },
      'a shadow verdict for each HTTP transaction',
      15_000,
      100,
    );
    const expected = await shadowExpected(txs);
    for (const t of txs) {
      expect(shadow.get(t.transaction_id)).toMatchObject({ role: 'shadow', model_version: 'raw-s2' });
      expect(shadow.get(t.transaction_id)!.probability as number).toBeCloseTo(expected.get(t.transaction_id)!, 5);
    }
    // The v2 columns moved the challenger's scores apart from anything v1's columns could give it.
    expect(new Set([...expected.values()].map((p) => p.toFixed(3))).size).toBe(txs.length);
  });

  it('on the stream: the champion verdicts are those of a run without a shadow, one v2 shadow verdict each', async () => {
    const rt = await runtime();
    const log = await rt.eventLog();
    const txs = txsOf('s', '2026-03-05');
    await log.produce(
      TOPICS.transactions,
      txs.map((t, i) => ({
        key: t.customer_id,
        value: JSON.stringify({
          id: contentId(`raw/1:${t.transaction_id}`),
          ...{ schema: { name: 'raw', version: 1 }, source: { file: 'in.csv', line: i + 2 } },
          ingested_at: '2026-03-06T00:00:00Z',
          payload: t,
        }),
      })),
    );
    const { scoreStreamWith } = await import('../../functions/score-stream/index.ts');
    const run = await scoreStreamWith(rt, { maxSeconds: 10, group: `shadow-v2-stream-${Date.now()}` });
    expect(run.scored).toBe(txs.length);
    const verdicts = await onTopic(TOPICS.verdicts);
    // The stream explains flagged verdicts only.
    const baseline = await withoutShadow(txs, [txs], false);
    for (const t of txs)
      expect(answer(verdicts.get(t.transaction_id)!)).toEqual(
        answer(JSON.parse(JSON.stringify(baseline.get(t.transaction_id)))),
      );
    const shadow = await onTopic(TOPICS.verdictsShadow);
    const expected = await shadowExpected(txs);
    for (const t of txs) {
      expect(shadow.get(t.transaction_id)).toMatchObject({ role: 'shadow', model_version: 'raw-s2' });
      expect(shadow.get(t.transaction_id)!.probability as number).toBeCloseTo(expected.get(t.transaction_id)!, 5);
    }
  });
});
