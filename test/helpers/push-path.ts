// The push path on this machine, for the e2e test and the bench: a Kaggle champion in a fresh data dir,
// functions-framework serving score-stream-push, a topic with a push subscription to it on the Pub/Sub emulator,
// and a reader timing each transaction from its publish to its verdict on `verdicts`.
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { loadConfig } from '../../shared/config.ts';
import { createLogger } from '../../shared/logger.ts';
import { createRuntime, type Runtime } from '../../shared/runtime.ts';
import type { EventLog, GroupConsumer, LogRecord } from '../../shared/eventlog/port.ts';
import { KAGGLE_FEATURES } from '../../shared/features/kaggle.ts';
import { KAGGLE_SCHEMA } from '../../shared/schema/kaggle.ts';
import { contentId } from '../../shared/schema/formats.ts';
import { ObjectStoreRegistry } from '../../shared/model/registry/objectstore/registry.ts';
import { LocalObjectStore } from '../../shared/objectstore/local/local.ts';
import { tfReady } from '../../shared/model/tf-backend.ts';
import { kaggleRecords } from '../../shared/synth/kaggle.ts';
import { TOPICS } from '../../shared/topics.ts';
import { KAFKA_ATTRIBUTES } from '../../shared/schema/pubsub-push.ts';
import { tinyManifest, tinyModel } from './model.ts';
import { startFramework, type FrameworkChild } from './framework-child.ts';
import { emulatorClient, pushTopic, PUBSUB_TEST_PROJECT } from './pubsub.ts';
import { tempDir } from './tmp.ts';

export interface Sent {
  readonly id: string;
  readonly at: number;
}

export interface PushPath {
  readonly fn: FrameworkChild;
  readonly log: EventLog;
  /** Publishes Kaggle transaction `i` as the connector would carry Kafka record (partition 0, offset i); resolves with its id. */
  publish(i: number): Promise<string>;
  /** Publishes any bytes with any attributes. */
  publishData(data: Buffer, attributes: Record<string, string>): Promise<string>;
  /**
   * Publishes from now on to a fresh topic and push subscription: Pub/Sub slows pushes to a subscription whose
   * deliveries failed (push backoff), which a latency measure must not inherit.
   */
  resubscribe(): Promise<void>;
  /** Makes the champion available (the function answers 503 until then). */
  promote(): Promise<void>;
  /** Reads `verdicts` for `ms` or until `done()`: per transaction id, how many verdict records and the first's arrival. */
  readVerdicts(done: () => boolean, ms: number): Promise<void>;
  readonly verdicts: Map<string, { count: number; ids: Set<string>; at: number }>;
  readonly sent: Map<string, number>;
  close(): Promise<void>;
}

const RECORDS = [...kaggleRecords(2000, 7)];

export async function startPushPath(options: { promoted?: boolean } = {}): Promise<PushPath> {
  const dir = tempDir('fraudflow-push-');
  const env = { FRAUDFLOW_DATA_DIR: join(dir.path, 'data'), FRAUDFLOW_LOG_LEVEL: 'INFO' };
  const config = loadConfig(env);
  await tfReady();
  const registry = new ObjectStoreRegistry(new LocalObjectStore(config.modelsDir));
  const names = KAGGLE_FEATURES.names;
  await registry.save(
    tinyManifest('push-1', { feature_spec: KAGGLE_FEATURES }),
    tinyModel(
      names.map((n) => (n === 'V1' ? 3 : 0)),
      -1,
    ),
  );
  const promote = async (): Promise<void> => void (await registry.promote('push-1', 'test'));
  if (options.promoted !== false) await promote();

  // This process's view of the same event log: topics exist before the function opens it.
  const rt: Runtime = createRuntime(config, createLogger({ level: 'ERROR' }));
  const log = await rt.eventLog();
  const reader: GroupConsumer = await log.consumer(`push-test-${randomUUID().slice(0, 8)}`, TOPICS.verdicts);
  const fn = await startFramework('score-stream-push', env);
  const client = emulatorClient();
  const name = `fraudflow-push-${randomUUID().slice(0, 8)}`;
  let topics = 0;
  const subscribe = async () => {
    const topic = `${name}-${++topics}`;
    return pushTopic(client, topic, `${fn.url}projects/${PUBSUB_TEST_PROJECT}/topics/${topic}`);
  };
  let pushed = await subscribe().catch(async (e: unknown) => {
    await fn.stop(); // no child left behind when the emulator refuses
    throw e;
  });
  const sent = new Map<string, number>();
  const verdicts = new Map<string, { count: number; ids: Set<string>; at: number }>();

  const publishData = (data: Buffer, attributes: Record<string, string>) =>
    pushed.topic.publishMessage({ data, attributes });
  const retired: Array<typeof pushed> = [];
  return {
    fn,
    log,
    verdicts,
    sent,
    promote,
    publishData,
    async resubscribe() {
      retired.push(pushed);
      pushed = await subscribe();
    },
    async publish(i) {
      const { Class: _label, ...payload } = RECORDS[i % RECORDS.length]!;
      const id = contentId(`push:${name}:${i}`);
      const value = JSON.stringify({
        id,
        schema: KAGGLE_SCHEMA,
        source: { file: 'push-test', line: i + 1 },
        ingested_at: new Date().toISOString(),
        payload,
      });
      sent.set(id, performance.now());
      await publishData(Buffer.from(value), {
        [KAFKA_ATTRIBUTES.key]: id,
        [KAFKA_ATTRIBUTES.topic]: TOPICS.transactions,
        [KAFKA_ATTRIBUTES.partition]: '0',
        [KAFKA_ATTRIBUTES.offset]: String(i),
      });
      return id;
    },
    async readVerdicts(done, ms) {
      const deadline = Date.now() + ms;
      while (!done() && Date.now() < deadline) {
        for (const r of await reader.poll({ maxRecords: 1000, maxWaitMs: 5 })) {
          const at = performance.now();
          const v = verdictOf(r);
          const seen = verdicts.get(v.payload.transaction_id) ?? { count: 0, ids: new Set<string>(), at };
          seen.count++;
          seen.ids.add(v.id);
          verdicts.set(v.payload.transaction_id, seen);
        }
      }
    },
    async close() {
      for (const p of [...retired, pushed]) await p.remove();
      await client.close();
      await fn.stop();
      await reader.close();
      await rt.close();
      dir.cleanup();
    },
  };
}

/** p-quantile of `xs` (ms, one decimal): the value at rank floor(p * n). */
export function quantile(xs: readonly number[], p: number): number {
  const sorted = [...xs].sort((a, b) => a - b);
  return Number(sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!.toFixed(1));
}

const verdictOf = (r: LogRecord) =>
  JSON.parse(r.value.toString()) as { id: string; payload: { transaction_id: string } };

/** How long the wait for verdicts goes on with none arriving: a loaded machine makes them late, only a loss stops them. */
const STALL_MS = 30_000;

/** Reads verdicts until each of the `n` ids has one, or (all published) none arrived for STALL_MS. */
async function awaitVerdicts(path: PushPath, ids: readonly string[], n: number, publishing: Promise<void>) {
  let published = false;
  const settle = () => void (published = true);
  publishing.then(settle, settle);
  const done = () => ids.length === n && ids.every((id) => path.verdicts.has(id));
  for (let had = -1; !done();) {
    const now = ids.filter((id) => path.verdicts.has(id)).length;
    if (now === had && published) return;
    had = now;
    await path.readVerdicts(done, STALL_MS);
  }
}

/** How many of `ids` have a verdict in `verdicts` as a new reader of the whole topic finds them. */
async function verdictsInLog(log: EventLog, ids: readonly string[]): Promise<number> {
  const want = new Set(ids);
  const reader = await log.consumer(`push-check-${randomUUID().slice(0, 8)}`, TOPICS.verdicts);
  let found = 0;
  try {
    for (;;) {
      const batch = await reader.poll({ maxRecords: 5000, maxWaitMs: 100 });
      if (batch.length === 0) return found;
      for (const r of batch) if (want.delete(verdictOf(r).payload.transaction_id)) found++;
    }
  } finally {
    await reader.close();
  }
}

/** Publishes `n` transactions at `rate` a second (from offset `from`) and times each to its verdict. */
export async function pushLatencies(path: PushPath, n: number, rate: number, from = 0): Promise<number[]> {
  const ids: string[] = [];
  const started = performance.now();
  const publishing = (async () => {
    for (let i = 0; i < n; i++) {
      // A steady rate: each publish its own Pub/Sub message and push, as the connector forwards records.
      const wait = started + (i * 1000) / rate - performance.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      ids.push(await path.publish(from + i));
    }
  })();
  await awaitVerdicts(path, ids, n, publishing);
  await publishing;
  const missing = ids.filter((id) => !path.verdicts.has(id));
  if (missing.length) {
    // Tells a loss in the function or the emulator (not in the log) from a reader that stepped over a verdict.
    const written = await verdictsInLog(path.log, missing);
    throw new Error(
      `${missing.length} of ${n} pushed transactions got no verdict (${written} of them are in verdicts when read afresh)`,
    );
  }
  return ids.map((id) => path.verdicts.get(id)!.at - path.sent.get(id)!);
}
