// The streamed shadow path on the real Kafka broker (this run's own topics): one shadow verdict per transaction on
// `verdicts.shadow`, with role `shadow` and the challenger's version, while `verdicts` holds the champion's answers
// exactly as a run without the shadow gives them.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KafkaEventLog } from '../../shared/eventlog/kafka/kafka.ts';
import type { EventLog } from '../../shared/eventlog/port.ts';
import { LocalModelEndpoint } from '../../shared/model/local/local.ts';
import type { ObjectStoreRegistry } from '../../shared/model/registry/objectstore/registry.ts';
import { RegistryShadowSource } from '../../shared/model/shadow.ts';
import { MemoryFeatureState } from '../../shared/features/raw/memory-state.ts';
import { RAW_FEATURES, RAW_FEATURES_V2 } from '../../shared/features/raw/spec.ts';
import { ShadowScoring } from '../../shared/scoring/shadow-scoring.ts';
import { scoreStream } from '../../functions/score-stream/score-stream.ts';
import { silentLogger } from '../../shared/logger.ts';
import { contentId } from '../../shared/schema/formats.ts';
import { TOPICS, topicSpecs } from '../../shared/topics.ts';
import { KAFKA_TEST_BROKERS, kafkaAvailable } from '../helpers/kafka.ts';
import { prefixedEventLog } from '../helpers/prefixed-eventlog.ts';
import { championWith } from '../adversarial/champion.ts';
import { tinyManifest, tinyModel } from '../helpers/model.ts';
import { tempDir } from '../helpers/tmp.ts';

const withKafka = await kafkaAvailable('shadow challenger on kafka');
const run = randomUUID().slice(0, 8);
const dir = tempDir('fraudflow-shadow-kafka-');
const logs: EventLog[] = [];
let registry: ObjectStoreRegistry;
const N = 30;
const txs = Array.from({ length: N }, (_, i) => ({
  transaction_id: `k-${run}-${i}`,
  tx_datetime: new Date(Date.parse('2026-04-01T00:00:00Z') + i * 1_800_000).toISOString().replace(/\.\d+Z$/, 'Z'),
  customer_id: `c${i % 4}`,
  terminal_id: `t${i % 3}`,
  amount: 20 + ((i * 37) % 500),
}));

function kafkaLog(prefix: string): EventLog {
  const brokers = KAFKA_TEST_BROKERS!.split(',');
  const log = new KafkaEventLog(
    { brokers, clientId: `shadow-${run}`, ssl: false, replicationFactor: 1 },
    silentLogger,
    {
      sessionTimeoutMs: 6_000,
    },
  );
  const prefixed = prefixedEventLog(log, prefix);
  logs.push(prefixed);
  return prefixed;
}

/** Every payload on `topic`, in order, read by a fresh group. */
async function payloads(log: EventLog, topic: string, want: number): Promise<Array<Record<string, unknown>>> {
  const consumer = await log.consumer(`read-${randomUUID().slice(0, 8)}`, topic);
  const out: Array<Record<string, unknown>> = [];
  const deadline = Date.now() + 20_000;
  try {
    // The wait is on the condition: all expected records read, then one more empty poll to see nothing extra.
    while (Date.now() < deadline) {
      const records = await consumer.poll({ maxRecords: 500, maxWaitMs: 500 });
      for (const r of records) out.push(JSON.parse(r.value.toString()).payload as Record<string, unknown>);
      if (records.length === 0 && out.length >= want) break;
    }
  } finally {
    await consumer.close();
  }
  return out;
}

/** Produces the transactions on this prefix's topics and runs the stream core on them, with or without the shadow. */
async function streamRun(prefix: string, shadowed: boolean) {
  const log = kafkaLog(prefix);
  for (const spec of topicSpecs(3)) await log.ensureTopic(spec);
  await log.produce(
    TOPICS.transactions,
    txs.map((t, i) => ({
      key: t.customer_id,
      value: JSON.stringify({
        id: contentId(`raw/1:${t.transaction_id}`),
        ...{ schema: { name: 'raw', version: 1 }, source: { file: 'in.csv', line: i + 2 } },
        ingested_at: '2026-04-02T00:00:00Z',
        payload: t,
      }),
    })),
  );
  const shadow = shadowed
    ? new ShadowScoring({
        source: new RegistryShadowSource(registry, { kind: 'auto' }),
        publish: async (messages) => void (await log.produce(TOPICS.verdictsShadow, messages)),
        logger: silentLogger,
      })
    : null;
  const summary = await scoreStream(
    {
      eventLog: log,
      model: new LocalModelEndpoint(registry, 0),
      logger: silentLogger,
      features: new MemoryFeatureState(),
      now: () => new Date('2026-04-03T00:00:00Z'),
      ...(shadow ? { shadow: shadow.stream } : {}),
    },
    {
      group: `score-${run}`,
      batchSize: 7,
      maxRows: 10_000,
      maxSeconds: 60,
      reviewRatio: 0.5,
      fallbackVerdict: 'review',
      reasons: 3,
    },
  );
  return { log, summary, shadow };
}

beforeAll(async () => {
  if (!withKafka) return;
  ({ registry } = await championWith(dir.path, 'raw-c1', RAW_FEATURES, { tx_amount: 0.01 }, -3));
  const promotion = { promoted: false, reason: 'below the margin', margin: 0.005, champion: null };
  await registry.save(
    tinyManifest('raw-s2', { feature_spec: RAW_FEATURES_V2, promotion }),
    tinyModel(
      RAW_FEATURES_V2.names.map((n) =>
        n === 'amount_over_customer_avg_7day_window' ? 1.5 : n === 'tx_amount' ? 0.004 : 0,
      ),
      -2,
    ),
  );
}, 60_000);

afterAll(async () => {
  for (const log of logs) await log.close().catch(() => undefined);
  dir.cleanup();
});

describe.runIf(withKafka)('shadow challenger on kafka', () => {
  it('publishes one shadow verdict per streamed transaction to verdicts.shadow, verdicts unchanged', async () => {
    const withShadow = await streamRun(`ffshadow-${run}-a-`, true);
    const alone = await streamRun(`ffshadow-${run}-b-`, false);
    expect(withShadow.summary).toMatchObject({ read: N, scored: N, dead_lettered: 0 });
    expect(withShadow.shadow!.stats).toEqual({ published: N, failed: 0 });
    const shadow = await payloads(withShadow.log, TOPICS.verdictsShadow, N);
    expect(shadow).toHaveLength(N);
    expect(new Set(shadow.map((v) => v.transaction_id))).toEqual(new Set(txs.map((t) => t.transaction_id)));
    expect(shadow.every((v) => v.role === 'shadow' && v.model_version === 'raw-s2')).toBe(true);
    // The champion's answers on `verdicts` are those of the run without a shadow, and only the champion's.
    const strip = (v: Record<string, unknown>) => ({ ...v, scored_at: undefined });
    const answers = await payloads(withShadow.log, TOPICS.verdicts, N);
    const baseline = await payloads(alone.log, TOPICS.verdicts, N);
    expect(answers).toHaveLength(N);
    expect(answers.every((v) => v.model_version === 'raw-c1' && v.role === undefined)).toBe(true);
    const byId = (vs: Array<Record<string, unknown>>) =>
      new Map(vs.map((v) => [String(v.transaction_id), strip(v)] as const));
    expect(byId(answers)).toEqual(byId(baseline));
    expect(await payloads(alone.log, TOPICS.verdictsShadow, 0)).toEqual([]);
  }, 120_000);
});
