// A scoring pins one model: a champion promoted while a request or a stream batch is being scored does not mix two
// models in it (features of one spec, predictions and reasons of another), and the replaced model is freed only once
// no hold is left on it; a model replaced with no hold is freed at the swap.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EmbeddedEventLog } from '../../shared/eventlog/embedded/embedded.ts';
import { topicSpecs } from '../../shared/topics.ts';
import { MemoryFeatureState } from '../../shared/features/raw/memory-state.ts';
import { RAW_FEATURES, RAW_FEATURES_V3 } from '../../shared/features/raw/spec.ts';
import { silentLogger } from '../../shared/logger.ts';
import { scoreBatch } from '../../shared/scoring/score.ts';
import { scoreStream } from '../../functions/score-stream/score-stream.ts';
import { TOPICS } from '../../shared/topics.ts';
import { LocalModelEndpoint } from '../../shared/model/local/local.ts';
import type { ObjectStoreRegistry } from '../../shared/model/registry/objectstore/registry.ts';
import type { ModelRegistry } from '../../shared/model/registry/port.ts';
import { championWith } from '../adversarial/champion.ts';
import { tinyManifest, tinyModel } from '../helpers/model.ts';
import { tempDir } from '../helpers/tmp.ts';
import { publishedVerdicts } from '../helpers/published-verdicts.ts';

const dir = tempDir('fraudflow-model-hold-');
let log: EmbeddedEventLog;
const options = { reviewRatio: 0.5, fallbackVerdict: 'review' as const, reasons: 3, explainAll: true, source: 'test' };
const now = () => new Date('2026-06-03T00:00:00Z');
const raw = (id: string, minute: number) => ({
  transaction_id: id,
  tx_datetime: `2026-06-02T10:${String(minute).padStart(2, '0')}:00Z`,
  customer_id: 'cust-1',
  terminal_id: 'term-1',
  amount: 10 + minute,
});

beforeAll(async () => {
  log = new EmbeddedEventLog({ path: join(dir.path, 'log.sqlite') });
  for (const s of topicSpecs(2)) await log.ensureTopic(s);
}, 60_000);
afterAll(async () => {
  await log.close();
  dir.cleanup();
});

/** A v1 champion `a` promoted, and a v3 model `b` saved beside it (not promoted); every model's frees counted. */
async function twoVersions(name: string) {
  const { registry } = await championWith(join(dir.path, name), 'a-v1', RAW_FEATURES, { tx_amount: 0.01 });
  await registry.save(
    tinyManifest('b-v3', {
      feature_spec: RAW_FEATURES_V3,
      scaler: { mean: RAW_FEATURES_V3.names.map(() => 0), std: RAW_FEATURES_V3.names.map(() => 1) },
    }),
    tinyModel(RAW_FEATURES_V3.names.map((n) => (n === 'tx_amount' ? -0.01 : 0))),
  );
  const freed: string[] = [];
  const counting: ModelRegistry = new Proxy(registry, {
    get(target, prop) {
      if (prop === 'loadAny')
        return async (version: string) => {
          const loaded = await target.loadAny(version);
          const dispose = loaded.model.dispose.bind(loaded.model);
          loaded.model.dispose = () => {
            freed.push(version);
            dispose();
          };
          return loaded;
        };
      const v = Reflect.get(target, prop, target) as unknown;
      return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
    },
  });
  // Rechecks the pointer on every call, so a promotion is seen at the next call that is not pinned.
  return { registry: registry as ObjectStoreRegistry, endpoint: new LocalModelEndpoint(counting, 0), freed };
}

describe('a held model', () => {
  it('keeps answering with its own version after a promotion, and is freed at its last release', async () => {
    const { registry, endpoint, freed } = await twoVersions('swap');
    const first = await endpoint.hold();
    const second = await endpoint.hold();
    await registry.promote('b-v3', 'test');
    expect((await endpoint.manifest()).version).toBe('b-v3');
    const width = RAW_FEATURES.names.length;
    const rows = new Float32Array(2 * width).fill(1);
    const p = await first.predict(rows, width);
    expect(p.manifest.version).toBe('a-v1');
    expect(p.scores).toHaveLength(2);
    expect(await first.explain(rows, width, 2)).toHaveLength(2);
    expect((await first.manifest()).version).toBe('a-v1');
    first.release();
    first.release(); // a second release of the same hold changes nothing
    expect(freed).toEqual([]);
    // A hold taken on a hold pins the same model and does not release the outer one.
    const nested = await second.hold();
    nested.release();
    expect((await second.predict(rows, width)).manifest.version).toBe('a-v1');
    second.release();
    expect(freed).toEqual(['a-v1']);
    // The endpoint's own calls answer with the new champion, its rows of 21 features.
    const v3 = new Float32Array(RAW_FEATURES_V3.names.length).fill(1);
    expect((await endpoint.predict(v3, RAW_FEATURES_V3.names.length)).manifest.version).toBe('b-v3');
  });

  it('is freed at the swap when nothing holds it', async () => {
    const { registry, endpoint, freed } = await twoVersions('free');
    (await endpoint.hold()).release();
    await registry.promote('b-v3', 'test');
    expect((await endpoint.manifest()).version).toBe('b-v3');
    expect(freed).toEqual(['a-v1']);
  });
});

/** A feature state whose first read promotes `b-v3`: the promotion lands after features are read, before scoring. */
function promotingOnFirstRead(state: MemoryFeatureState, registry: ObjectStoreRegistry) {
  const seen = { promoted: false };
  const features = new Proxy(state, {
    get(target, prop) {
      const v = Reflect.get(target, prop, target) as unknown;
      if (prop !== 'windowsThenAppend') return typeof v === 'function' ? (v as () => unknown).bind(target) : v;
      return async (...args: Parameters<MemoryFeatureState['windowsThenAppend']>) => {
        const read = await target.windowsThenAppend(...args);
        if (!seen.promoted) {
          seen.promoted = true;
          await registry.promote('b-v3', 'test');
        }
        return read;
      };
    },
  });
  return { features, seen };
}

describe('a request scored while the champion changes', () => {
  it('is scored by the model whose spec its features were computed for, not the fallback', async () => {
    const { registry, endpoint, freed } = await twoVersions('request');
    const state = new MemoryFeatureState();
    const { features, seen } = promotingOnFirstRead(state, registry);
    const verdicts = await scoreBatch(
      { format: 'raw', txs: [raw('r1', 1), raw('r2', 2), raw('r3', 3)] },
      { model: endpoint, eventLog: log, logger: silentLogger, features, now },
      options,
    );
    expect(seen.promoted).toBe(true);
    expect(verdicts.map((v) => [v.model_version, v.fallback ?? false])).toEqual([
      ['a-v1', false],
      ['a-v1', false],
      ['a-v1', false],
    ]);
    expect(verdicts.every((v) => v.reasons.length > 0)).toBe(true);
    // The next request is the new champion's, on its own 21 features; the old model was freed once the request ended.
    const next = await scoreBatch(
      { format: 'raw', txs: [raw('r4', 4)] },
      { model: endpoint, eventLog: log, logger: silentLogger, features: state, now },
      options,
    );
    expect(next.map((v) => [v.model_version, v.fallback ?? false])).toEqual([['b-v3', false]]);
    expect(freed).toEqual(['a-v1']);
  });
});

describe('a stream batch scored while the champion changes', () => {
  it('is scored whole by the model it started with; the next batch by the new champion', async () => {
    const { registry, endpoint, freed } = await twoVersions('stream');
    const state = new MemoryFeatureState();
    const { features, seen } = promotingOnFirstRead(state, registry);
    const envelope = (tx: ReturnType<typeof raw>, line: number) => ({
      key: tx.customer_id,
      value: JSON.stringify({
        id: line.toString(16).padStart(32, 'c'),
        schema: { name: 'raw', version: 1 },
        source: { file: 'up.csv', line },
        ingested_at: '2026-06-02T12:00:00Z',
        payload: tx,
      }),
    });
    await log.produce(
      TOPICS.transactions,
      [1, 2, 3].map((m) => envelope(raw(`s${m}`, 10 + m), m + 1)),
    );
    const run = (state: typeof features) =>
      scoreStream(
        { eventLog: log, model: endpoint, features: state, logger: silentLogger, now },
        { group: 'hold-stream', batchSize: 10, maxRows: 100, maxSeconds: 60, maxFutureSkewSeconds: 86_400, ...options },
      );
    expect(await run(features)).toMatchObject({ read: 3, scored: 3, dead_lettered: 0 });
    expect(seen.promoted).toBe(true);
    await log.produce(TOPICS.transactions, [envelope(raw('s4', 20), 5)]);
    expect(await run(state)).toMatchObject({ read: 1, scored: 1 });
    const byId = new Map(
      (await publishedVerdicts(log)).map((v) => [v.transaction_id, [v.model_version, v.fallback ?? false]]),
    );
    expect(Object.fromEntries([...byId].filter(([id]) => id.startsWith('s')))).toEqual({
      s1: ['a-v1', false],
      s2: ['a-v1', false],
      s3: ['a-v1', false],
      s4: ['b-v3', false],
    });
    expect(freed).toEqual(['a-v1']);
  });
});
