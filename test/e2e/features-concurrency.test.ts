// Three score-stream consumers in one consumer group on a real Kafka broker and ten lanes of HTTP score calls, all on one
// Redis, give every transaction its offline features bit for bit; one customer scored out of order over HTTP misses
// only earlier transactions still in flight, and its terminal features stay exact.
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scoreStream, type ScoreStreamSummary } from '../../functions/score-stream/score-stream.ts';
import { scoreHttp } from '../../functions/score/index.ts';
import { loadConfig } from '../../shared/config.ts';
import { CoalescingPublisher } from '../../shared/eventlog/coalescing-publisher.ts';
import { KafkaEventLog } from '../../shared/eventlog/kafka/kafka.ts';
import type { EventLog } from '../../shared/eventlog/port.ts';
import {
  computeAndRecord,
  featuresFromWindows,
  RAW_FEATURE_WIDTH,
  type RawTx,
} from '../../shared/features/raw/compute.ts';
import { offlineFeatures } from '../../shared/features/raw/offline.ts';
import { RedisFeatureState } from '../../shared/features/raw/redis/redis-state.ts';
import { DELAY_DAYS, RAW_FEATURES, WINDOWS_DAYS } from '../../shared/features/raw/spec.ts';
import { edgeListener } from '../../shared/http/guard.ts';
import { closeServer, edgeServer, listen } from '../../shared/http/server.ts';
import { silentLogger } from '../../shared/logger.ts';
import type { LocalModelEndpoint } from '../../shared/model/local/local.ts';
import { createRuntime, type Runtime } from '../../shared/runtime.ts';
import { rawFormat } from '../../shared/schema/formats.ts';
import { txEpochMs } from '../../shared/schema/raw.ts';
import { checkEnvelope } from '../../shared/schema/registry.ts';
import type { Verdict } from '../../shared/schema/verdict.ts';
import { simulateDays } from '../../shared/simulator/generate.ts';
import { topicSpecs, TOPICS } from '../../shared/topics.ts';
import { championWith } from '../adversarial/champion.ts';
import { KAFKA_TEST_BROKERS, kafkaAvailable } from '../helpers/kafka.ts';
import { prefixedEventLog } from '../helpers/prefixed-eventlog.ts';
import { readLog, RecordingFeatureState, type ReadLog, type RecordedRead } from '../helpers/recording-state.ts';
import { freshNamespace, redisAvailable, testLink } from '../helpers/redis.ts';
import { tempDir } from '../helpers/tmp.ts';
import { waitFor } from '../helpers/wait.ts';

const withKafka = await kafkaAvailable('features concurrency: kafka');
const withRedis = await redisAvailable('features concurrency: redis');
const CONSUMERS = 3;
const LANES = 10;
/** Transactions arrive a few days at a time, as in real time: no scorer gets a label delay ahead of another. */
const WAVE_DAYS = 3;

const run = randomUUID().slice(0, 8);
const prefix = `ffconc-${run}-`;
const dir = tempDir('fraudflow-features-concurrency-');
const dataDir = join(dir.path, 'data');
const closers: Array<() => Promise<unknown>> = [];
let model: LocalModelEndpoint;

beforeAll(async () => {
  if (!withKafka || !withRedis) return;
  model = (
    await championWith(dataDir, 'conc-1', RAW_FEATURES, {
      tx_amount: 0.01,
      customer_id_avg_amount_7day_window: 0.005,
      terminal_id_risk_7day_window: 3,
      terminal_id_nb_tx_30day_window: 0.01,
    })
  ).endpoint;
  const log = kafkaLog();
  for (const spec of topicSpecs(6)) await log.ensureTopic(spec);
  await log.close();
}, 60_000);
afterAll(async () => {
  for (const close of closers.reverse()) await close().catch(() => undefined);
  dir.cleanup();
});

function kafkaLog(): EventLog {
  const brokers = KAFKA_TEST_BROKERS!.split(',');
  const log = new KafkaEventLog({ brokers, clientId: `conc-${run}`, ssl: false, replicationFactor: 1 }, silentLogger, {
    sessionTimeoutMs: 6_000,
  });
  return prefixedEventLog(log, prefix);
}

const redisState = (namespace: string, reads: ReadLog) =>
  new RecordingFeatureState(new RedisFeatureState(testLink(), { namespace }), reads);

/** The score function behind the real HTTP edge, its runtime's ports on this run's topics, Redis keys and champion. */
async function scoreServer(namespace: string, reads: ReadLog): Promise<string> {
  const base = createRuntime(loadConfig({ FRAUDFLOW_DATA_DIR: dataDir }), silentLogger);
  const eventLog = kafkaLog();
  const features = redisState(namespace, reads);
  const verdicts = new CoalescingPublisher(eventLog, TOPICS.verdicts);
  const rt: Runtime = {
    ...base,
    eventLog: async () => eventLog,
    featureState: () => features,
    verdictPublisher: async () => verdicts,
  };
  const policy = { methods: ['POST'], contentTypes: ['application/json'], maxBodyBytes: 1 << 20 };
  const server = edgeServer(
    edgeListener({ policy: () => policy, handle: (req) => scoreHttp(rt, req.json) }, silentLogger),
  );
  const port = await listen(server, 0, '127.0.0.1');
  closers.push(
    () => base.close(),
    () => eventLog.close(),
    () => features.close(),
    () => closeServer(server),
  );
  return `http://127.0.0.1:${port}/`;
}

const unlabelled = ({ transaction_id, tx_datetime, customer_id, terminal_id, amount }: RawTx): RawTx => ({
  transaction_id,
  tx_datetime,
  customer_id,
  terminal_id,
  amount,
});

async function postScore(url: string, tx: RawTx): Promise<Verdict> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(unlabelled(tx)),
  });
  const body = (await res.json()) as Verdict;
  if (res.status !== 200) throw new Error(`score answered ${res.status}: ${JSON.stringify(body)}`);
  return body;
}

const identity = rawFormat.identity;
const rowId = (tx: RawTx): string => {
  if (identity.by !== 'row') throw new Error('the raw format is identified by its rows');
  return identity.idOf(tx);
};

/** As ingest writes a raw row to `transactions`: its content id, keyed by customer, the label it carries. */
const message = (tx: RawTx, line: number) => ({
  key: tx.customer_id,
  value: JSON.stringify({
    id: rowId(tx),
    schema: { name: 'raw', version: 1 },
    source: { file: 'stream.csv', line },
    ingested_at: '2026-11-30T00:00:00Z',
    payload: tx,
  }),
});

/** The model's probabilities for feature rows, as the scorers compute them (float32 rows). */
async function probabilities(rows: number[][]): Promise<Float32Array> {
  return (await model.predict(Float32Array.from(rows.flat()), RAW_FEATURE_WIDTH)).scores;
}

const sameBits = (a: readonly number[], b: readonly number[]) =>
  a.length === b.length && a.every((x, i) => Object.is(x, b[i]));

/** Every verdict on this run's `verdicts` topic, by transaction id, once `expected` of them have arrived. */
async function verdictsOnTopic(expected: number): Promise<Map<string, Verdict>> {
  const log = kafkaLog();
  const consumer = await log.consumer(`conc-${run}-verdicts`, TOPICS.verdicts);
  const out = new Map<string, Verdict>();
  try {
    await waitFor(
      async () => {
        for (const r of await consumer.poll({ maxRecords: 5000, maxWaitMs: 500 })) {
          const checked = checkEnvelope(r.value);
          if (!checked.ok) throw new Error(`a verdict message is invalid: ${checked.reasons.join('; ')}`);
          const v = checked.envelope.payload as unknown as Verdict;
          out.set(v.transaction_id, v);
        }
        return out.size >= expected || undefined;
      },
      `${expected} verdicts on ${prefix}verdicts`,
      120_000,
      0,
    );
  } finally {
    await consumer.close();
    await log.close();
  }
  return out;
}

describe.runIf(withKafka && withRedis)(
  'features under concurrency: Kafka consumers and HTTP calls on one Redis',
  () => {
    it('gives every transaction its offline features bit for bit, stream and HTTP alike', async () => {
      // What the guarantee needs (README): no scorer a label delay ahead of another in transaction time.
      expect(WAVE_DAYS).toBeLessThan(DELAY_DAYS);
      const days = [
        ...simulateDays({ customers: 240, terminals: 80, days: 24, seed: 17, startDate: '2026-04-01', radius: 15 }),
      ];
      const all = days.flat();
      const byId = new Map(all.map((t) => [t.transaction_id, t]));
      // A third of the customers are scored over HTTP, the others arrive on the stream; all share the terminals.
      const customers = [...new Set(all.map((t) => t.customer_id))].sort();
      const httpLane = new Map(customers.filter((_, i) => i % 3 === 0).map((c, i) => [c, i % LANES]));
      const viaHttp = (t: RawTx) => httpLane.has(t.customer_id);
      // Offline, as retrain computes it: every transaction in time order; an HTTP caller's label is never recorded.
      const history = all.map((t) => (viaHttp(t) ? unlabelled(t) : t));
      const offline = new Map<string, number[]>();
      for await (const r of offlineFeatures(history)) offline.set(r.tx.transaction_id, r.features);
      const expected = await probabilities(all.map((t) => offline.get(t.transaction_id)!));
      const expectedOf = new Map(all.map((t, i) => [t.transaction_id, expected[i]!]));

      const namespace = freshNamespace('e2e-concurrency');
      const reads = readLog();
      const url = await scoreServer(namespace, reads);
      const group = `conc-${run}-score-stream`;
      const stop = new AbortController();
      const consumers: Array<Promise<ScoreStreamSummary>> = [];
      for (let k = 0; k < CONSUMERS; k++) {
        const eventLog = kafkaLog();
        const features = redisState(namespace, reads);
        closers.push(
          () => eventLog.close(),
          () => features.close(),
        );
        consumers.push(
          scoreStream(
            { eventLog, model, logger: silentLogger, features },
            {
              group,
              batchSize: 100,
              maxRows: 1_000_000_000,
              maxSeconds: 900,
              follow: true,
              stop: stop.signal,
              reviewRatio: 0.5,
              fallbackVerdict: 'review',
              reasons: 3,
            },
          ),
        );
      }
      const producer = kafkaLog();
      closers.push(() => producer.close());
      const recorded = () => new Set(reads.reads.map((r) => r.txId));
      const answers = new Map<string, Verdict>();
      let line = 2;
      try {
        for (let w = 0; w < days.length; w += WAVE_DAYS) {
          const wave = days.slice(w, w + WAVE_DAYS).flat();
          const streamed = wave.filter((t) => !viaHttp(t));
          await producer.produce(
            TOPICS.transactions,
            streamed.map((t) => message(t, line++)),
          );
          // Ten lanes at once; each customer's calls in time order (one lane per customer).
          const lanes: RawTx[][] = Array.from({ length: LANES }, () => []);
          for (const t of wave) if (viaHttp(t)) lanes[httpLane.get(t.customer_id)!]!.push(t);
          await Promise.all(
            lanes.map(async (lane) => {
              for (const t of lane) answers.set(t.transaction_id, await postScore(url, t));
            }),
          );
          await waitFor(
            () => {
              const seen = recorded();
              return streamed.every((t) => seen.has(t.transaction_id)) || undefined;
            },
            `days ${w}-${w + WAVE_DAYS - 1} recorded by the consumers`,
            180_000,
            50,
          );
        }
        const streamedCount = all.filter((t) => !viaHttp(t)).length;
        const onTopic = await verdictsOnTopic(all.length);
        stop.abort();
        const summaries = await Promise.all(consumers);

        // Every read-and-record (redeliveries after a rebalance included) gave the offline features, bit for bit.
        let mismatches = 0;
        for (const r of reads.reads) {
          const tx = byId.get(r.txId)!;
          if (!sameBits(featuresFromWindows(tx, r.t, r.windows), offline.get(r.txId)!)) mismatches++;
        }
        expect(recorded().size).toBe(all.length);
        expect(mismatches).toBe(0);
        // Their verdicts too: over HTTP and on the verdicts topic, the probability of the offline features.
        expect(answers.size).toBe(all.length - streamedCount);
        for (const [id, v] of answers) expect(v.probability, id).toBe(expectedOf.get(id));
        expect(onTopic.size).toBe(all.length);
        for (const [id, v] of onTopic) expect(v.probability, id).toBe(expectedOf.get(id));
        // The group shared the stream, read it all, and each event is kept once in the state.
        expect(summaries.reduce((n, s) => n + s.read, 0)).toBeGreaterThanOrEqual(streamedCount);
        expect(summaries.filter((s) => s.read > 0).length).toBeGreaterThanOrEqual(2);
        for (const s of summaries) expect(s.dead_lettered).toBe(0);
        const state = new RedisFeatureState(testLink(), { namespace });
        closers.push(() => state.close());
        const perCustomer = new Map<string, number>();
        for (const t of all) perCustomer.set(t.customer_id, (perCustomer.get(t.customer_id) ?? 0) + 1);
        for (const [c, n] of perCustomer) expect(await state.keptEvents('customer', c)).toBe(n);
        // The terminal risks were not trivially zero: labels of streamed transactions reached them.
        const risk = RAW_FEATURES.names.indexOf('terminal_id_risk_7day_window');
        expect([...answers.keys()].some((id) => offline.get(id)![risk]! > 0)).toBe(true);
      } finally {
        stop.abort();
        await Promise.allSettled(consumers);
      }
    }, 600_000);

    it('one customer scored out of order over HTTP: exact terminal features, customer windows of what was recorded before, nothing twice', async () => {
      const namespace = freshNamespace('e2e-out-of-order');
      const reads = readLog();
      const url = await scoreServer(namespace, reads);
      const at = (iso: string, plusMinutes: number) => new Date(Date.parse(iso) + plusMinutes * 60_000).toISOString();
      // The terminals' labelled history, 8 to 30 days before the burst, recorded as score-stream records an upload.
      const history: RawTx[] = Array.from({ length: 400 }, (_, i) => ({
        transaction_id: `${run}-h${i}`,
        tx_datetime: at('2026-05-02T00:00:00Z', i * 80),
        customer_id: `${run}-other${i % 37}`,
        terminal_id: `${run}-term${i % 4}`,
        amount: 5 + (i % 50),
        label: i % 9 === 0 ? 1 : 0,
      }));
      const seeded = new RedisFeatureState(testLink(), { namespace });
      closers.push(() => seeded.close());
      for (const t of history) await computeAndRecord(t, seeded);
      // One customer's burst: 40 transactions ten minutes apart on 2026-06-01, at those terminals.
      const burst: RawTx[] = Array.from({ length: 40 }, (_, i) => ({
        transaction_id: `${run}-b${i}`,
        tx_datetime: at('2026-06-01T08:00:00Z', i * 10),
        customer_id: `${run}-busy`,
        terminal_id: `${run}-term${i % 4}`,
        amount: 10 + i,
      }));
      const offline = new Map<string, number[]>();
      for await (const r of offlineFeatures([...history, ...burst])) offline.set(r.tx.transaction_id, r.features);

      // All 40 at once, sent in an order that is not the time order.
      const order = burst.map((_, i) => burst[(i * 17) % burst.length]!);
      await Promise.all(order.map((t) => postScore(url, t)));
      const first = new Map<string, RecordedRead>(reads.reads.map((r) => [r.txId, r]));
      expect(first.size).toBe(burst.length);
      const terminalAt = RAW_FEATURES.names.flatMap((n, i) => (n.startsWith('terminal_id_') ? [i] : []));
      let missed = 0;
      for (const x of burst) {
        const r = first.get(x.transaction_id)!;
        const features = featuresFromWindows(x, r.t, r.windows);
        // Terminal windows end 7 days back: the order within the burst cannot move them.
        expect(
          terminalAt.map((i) => features[i]),
          x.transaction_id,
        ).toEqual(terminalAt.map((i) => offline.get(x.transaction_id)![i]));
        const tMs = txEpochMs(x.tx_datetime);
        for (const [w, days] of WINDOWS_DAYS.entries()) {
          const earlier = burst.filter((y) => {
            const ms = txEpochMs(y.tx_datetime);
            return y !== x && ms <= tMs && ms > tMs - days * 86_400_000;
          });
          // Surely recorded before x's read: their read ended before x's began; possibly: theirs began before x's ended.
          const surely = earlier.filter((y) => first.get(y.transaction_id)!.end < r.start);
          const possibly = earlier.filter((y) => first.get(y.transaction_id)!.start < r.end);
          const cents = (ys: RawTx[]) => ys.reduce((s, y) => s + Math.round(y.amount * 100), 0);
          const got = r.windows.customer[w]!;
          expect(got.count).toBeGreaterThanOrEqual(surely.length);
          expect(got.count).toBeLessThanOrEqual(possibly.length);
          expect(got.cents).toBeGreaterThanOrEqual(cents(surely));
          expect(got.cents).toBeLessThanOrEqual(cents(possibly));
          if (w === 0 && got.count < earlier.length) missed++;
        }
      }
      // The case did happen: some transactions were read before an earlier one of theirs was recorded.
      expect(missed).toBeGreaterThan(0);
      expect(await seeded.keptEvents('customer', `${run}-busy`)).toBe(burst.length);

      // Retried once all are recorded (at once, again out of order): the offline features, and nothing counted twice.
      const retried = await Promise.all(order.map((t) => postScore(url, t)));
      const again = reads.reads.slice(burst.length);
      expect(again.length).toBe(burst.length);
      for (const r of again) {
        const tx = burst.find((t) => t.transaction_id === r.txId)!;
        expect(featuresFromWindows(tx, r.t, r.windows), r.txId).toEqual(offline.get(r.txId));
      }
      const want = await probabilities(order.map((t) => offline.get(t.transaction_id)!));
      retried.forEach((v, i) => expect(v.probability).toBe(want[i]));
      expect(await seeded.keptEvents('customer', `${run}-busy`)).toBe(burst.length);
    }, 120_000);
  },
);
