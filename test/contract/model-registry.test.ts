// The model registry on every object store (local folder; Cloud Storage through the official client and a local JSON-API server).
import { join } from 'node:path';
import { fakeAuth } from '../helpers/fake-auth.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalObjectStore } from '../../shared/objectstore/local/local.ts';
import { GcsObjectStore } from '../../shared/objectstore/gcs/gcs.ts';
import type { ObjectStore } from '../../shared/objectstore/port.ts';
import { ObjectStoreRegistry } from '../../shared/model/registry/objectstore/registry.ts';
import { tfReady } from '../../shared/model/tf-backend.ts';
import { predictScaled } from '../../shared/model/predict.ts';
import { tempDir } from '../helpers/tmp.ts';
import { startFakeGcs, type FakeGcs } from '../helpers/fake-gcs.ts';
import { tinyManifest, tinyModel } from '../helpers/model.ts';

const dir = tempDir('fraudflow-registry-');
let fake: FakeGcs;
beforeAll(async () => {
  await tfReady();
  fake = await startFakeGcs('models-bucket');
});
afterAll(async () => {
  await fake.close();
  dir.cleanup();
});

const stores: Array<[string, () => ObjectStore]> = [
  ['local folder', () => new LocalObjectStore(join(dir.path, 'models'))],
  [
    'cloud storage',
    () =>
      new GcsObjectStore({
        bucket: 'models-bucket',
        prefix: 'models/',
        projectId: 'p',
        apiEndpoint: fake.url,
        authClient: fakeAuth('p'),
      }),
  ],
];

describe.each(stores)('model registry on %s', (_name, makeStore) => {
  let store: ObjectStore;
  let registry: ObjectStoreRegistry;
  beforeAll(() => {
    store = makeStore();
    registry = new ObjectStoreRegistry(store);
  });
  const x = Float32Array.from([1, 0, 0, 0, 2, 0, -1, -1, 3]);

  it('stores weights in tf.js layout and loads back a model that scores the same', async () => {
    const model = tinyModel([0.5, -1, 2], 0.1);
    await registry.save(tinyManifest('v1', { created_at: '2026-11-25T01:00:00.000Z' }), model);
    const topology = JSON.parse((await store.readAll('versions/v1/model.json')).toString()) as {
      format: string;
      weightsManifest: Array<{ paths: string[]; weights: Array<{ name: string; shape: number[] }> }>;
    };
    expect(topology.format).toBe('layers-model');
    expect(topology.weightsManifest[0]!.paths).toEqual(['weights.bin']);
    expect(topology.weightsManifest[0]!.weights.map((w) => w.shape)).toEqual([[3, 1], [1]]);
    // 3 kernel floats + 1 bias float
    expect((await store.readAll('versions/v1/weights.bin')).length).toBe(16);
    const loaded = await registry.load('v1');
    expect(Array.from(predictScaled(loaded.model, x, 3))).toEqual(Array.from(predictScaled(model, x, 3)));
    expect(loaded.manifest.version).toBe('v1');
    expect(registry.uri('v1')).toMatch(/versions\/v1$/);
    model.dispose();
    loaded.model.dispose();
  });

  it('never overwrites a version, lists complete versions oldest first, and names what is missing', async () => {
    const model = tinyModel([1, 1, 1]);
    await expect(registry.save(tinyManifest('v1'), model)).rejects.toMatchObject({ code: 'INPUT_INVALID' });
    await registry.save(tinyManifest('v2', { created_at: '2026-11-25T02:00:00.000Z' }), model);
    await registry.save(tinyManifest('v3', { created_at: '2026-11-25T03:00:00.000Z' }), model);
    // Weights without a manifest: an unfinished write, not a version.
    await store.write('versions/v4/weights.bin', Buffer.alloc(16));
    expect((await registry.list()).map((m) => m.version)).toEqual(['v1', 'v2', 'v3']);
    await expect(registry.manifest('v4')).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(registry.load('../etc')).rejects.toMatchObject({ code: 'NOT_FOUND' });
    model.dispose();
  });

  it('promotes, rolls back one champion at a time, and records every change with its reason', async () => {
    expect(await registry.champion()).toBeNull();
    await expect(registry.rollback()).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(registry.promote('nope', 'x')).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await registry.promote('v1', 'no champion yet');
    await registry.promote('v2', 'better by 0.02');
    await registry.promote('v3', 'operator');
    expect((await registry.promote('v3', 'again')).history).toHaveLength(3); // promoting the champion changes nothing
    expect((await registry.rollback('bad precision')).version).toBe('v2');
    expect((await registry.rollback()).version).toBe('v1');
    await expect(registry.rollback()).rejects.toMatchObject({ code: 'NOT_FOUND' });
    const pointer = JSON.parse((await store.readAll('champion.json')).toString()) as {
      version: string;
      history: Array<{ version: string; action: string; reason: string }>;
    };
    expect(pointer.version).toBe('v1');
    expect(pointer.history.map((h) => `${h.action} ${h.version}`)).toEqual([
      'promote v1',
      'promote v2',
      'promote v3',
      'rollback v2',
      'rollback v1',
    ]);
    expect(pointer.history[3]!.reason).toBe('bad precision (from v3)');
  });

  it('changes its revision on every save, promotion and rollback, and only then', async () => {
    const before = await registry.revision();
    expect(before).not.toBeNull();
    expect(await registry.revision()).toBe(before);
    await registry.save(tinyManifest('v9', { created_at: '2026-11-26T01:00:00.000Z' }), tinyModel([0, 0, 1]));
    const saved = await registry.revision();
    expect(saved).not.toBe(before);
    await registry.promote('v9', 'test');
    const promoted = await registry.revision();
    expect(promoted).not.toBe(saved);
    await registry.rollback('test');
    expect(await registry.revision()).not.toBe(promoted);
  });

  it('keeps each promotion decision as its own object, read back per version and in time order', async () => {
    const decision = (version: string, at: string, outcome: 'refused' | 'lost') => ({
      version,
      champion: 'v1',
      at,
      outcome,
      reason: `${outcome} at ${at}`,
      rule: 'FRAUDFLOW_PROMOTION=shadow:7d',
      window: { from: '2026-11-01T00:00:00.000Z', to: '2026-11-08T00:00:00.000Z' },
      transactions: 200,
      frauds: 10,
      champion_figures: { ap: 0.2, roc_auc: 0.7, card_precision_at_k: 0.1 },
      challenger_figures: { ap: 0.9, roc_auc: 0.99, card_precision_at_k: 0.3 },
      threshold: null,
    });
    await registry.recordDecision(decision('v9', '2026-11-27T00:00:00.000Z', 'refused'));
    await registry.recordDecision(decision('v9', '2026-11-26T00:00:00.000Z', 'lost'));
    await registry.recordDecision(decision('v3', '2026-11-25T00:00:00.000Z', 'lost'));
    expect((await registry.decisions('v9')).map((d) => d.outcome)).toEqual(['lost', 'refused']);
    expect((await registry.decisions()).map((d) => d.version)).toEqual(['v3', 'v9', 'v9']);
    expect(await registry.decisions('no-such')).toEqual([]);
    // The manifest itself is untouched.
    expect((await registry.manifest('v9')).promotion).toBeUndefined();
  });
});

describe('model registry on cloud storage: requests', () => {
  it('writes each object, the champion pointer included, in one single-request upload under the prefix', () => {
    const uploads = fake.requests.filter((r) => r.method === 'POST');
    expect(uploads.every((r) => new URLSearchParams(r.query).get('uploadType') === 'multipart')).toBe(true);
    const championWrites = uploads.filter((r) => new URLSearchParams(r.query).get('name') === 'models/champion.json');
    expect(championWrites).toHaveLength(7);
    expect([...fake.objects.keys()].filter((k) => k.startsWith('models/versions/v1/')).sort()).toEqual([
      'models/versions/v1/manifest.json',
      'models/versions/v1/model.json',
      'models/versions/v1/weights.bin',
    ]);
  });
});
