// The shadow source on the scoring path: one small read of the registry's revision per interval while nothing
// changes, and a model swapped out while a scoring still holds it is freed only once that scoring lets go.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tfReady } from '../../shared/model/tf-backend.ts';
import { ObjectStoreRegistry } from '../../shared/model/registry/objectstore/registry.ts';
import { LocalObjectStore } from '../../shared/objectstore/local/local.ts';
import type { ObjectStore } from '../../shared/objectstore/port.ts';
import type { ModelRegistry } from '../../shared/model/registry/port.ts';
import { RegistryShadowSource } from '../../shared/model/shadow.ts';
import { ShadowScoring } from '../../shared/scoring/shadow-scoring.ts';
import { silentLogger } from '../../shared/logger.ts';
import { tinyManifest, tinyModel } from '../helpers/model.ts';
import { tempDir } from '../helpers/tmp.ts';

const dir = tempDir('fraudflow-shadow-source-');
afterAll(() => dir.cleanup());
beforeAll(() => tfReady());

/** The real folder store, every read and listing recorded by key. */
function counting(store: ObjectStore): { store: ObjectStore; reads: string[] } {
  const reads: string[] = [];
  const wrapped: ObjectStore = {
    kind: store.kind,
    uri: (k) => store.uri(k),
    read: (k) => (reads.push(k), store.read(k)),
    readAll: (k) => (reads.push(k), store.readAll(k)),
    write: (k, d) => store.write(k, d),
    exists: (k) => (reads.push(`exists:${k}`), store.exists(k)),
    list: (p) => (reads.push(`list:${p}`), store.list(p)),
  };
  return { store: wrapped, reads };
}

/** The registry, each loaded model's dispose() recorded by version. */
function disposals(registry: ModelRegistry): { registry: ModelRegistry; disposed: string[] } {
  const disposed: string[] = [];
  const wrapped = Object.create(registry) as ModelRegistry;
  wrapped.loadAny = async (version) => {
    const stored = await registry.loadAny(version);
    const dispose = stored.model.dispose.bind(stored.model);
    stored.model.dispose = () => (disposed.push(version), dispose());
    return stored;
  };
  return { registry: wrapped, disposed };
}

const candidate = (version: string, created_at: string) =>
  tinyManifest(version, { created_at, promotion: { promoted: false, reason: '', margin: 0, champion: null } });

async function registryIn(name: string) {
  const { store, reads } = counting(new LocalObjectStore(join(dir.path, name)));
  const registry = new ObjectStoreRegistry(store);
  await registry.save(tinyManifest('champ', { created_at: '2026-01-01T00:00:00.000Z' }), tinyModel([0, 0, 0]));
  await registry.promote('champ', 'test');
  await registry.save(candidate('cand-1', '2026-01-02T00:00:00.000Z'), tinyModel([1, 0, 0]));
  return { registry, reads };
}

describe('shadow source', () => {
  it('reads only the registry revision while nothing changes, and follows a new version once it is saved', async () => {
    const { registry, reads } = await registryIn('steady');
    const source = new RegistryShadowSource(registry, { kind: 'auto' }, 0);
    expect((await source.current())?.manifest.version).toBe('cand-1');
    reads.length = 0;
    for (let i = 0; i < 20; i++) expect((await source.current())?.manifest.version).toBe('cand-1');
    // Steady state: one small object per check, no listing, no manifest.
    expect(new Set(reads)).toEqual(new Set(['revision.json']));
    expect(reads.length).toBe(20);
    await registry.save(candidate('cand-2', '2026-01-03T00:00:00.000Z'), tinyModel([0, 1, 0]));
    expect((await source.current())?.manifest.version).toBe('cand-2');
    // The champion moving is a change too: promoting the challenger leaves no shadow.
    await registry.promote('cand-2', 'test');
    expect(await source.current()).toBeNull();
  });

  it('a swap while a lease is held frees the old model only when the lease is released, once', async () => {
    const base = await registryIn('lease');
    const { registry, disposed } = disposals(base.registry);
    const source = new RegistryShadowSource(registry, { kind: 'auto' }, 0);
    const held = (await source.acquire())!;
    expect(held.model.manifest.version).toBe('cand-1');
    await base.registry.save(candidate('cand-2', '2026-01-03T00:00:00.000Z'), tinyModel([0, 1, 0]));
    const next = (await source.acquire())!;
    expect(next.model.manifest.version).toBe('cand-2');
    expect(disposed).toEqual([]);
    // The old model still scores for its holder.
    expect(held.model.scorer.predict(Float32Array.from([1, 1, 1]))[0]).toBeCloseTo(1 / (1 + Math.exp(-1)), 5);
    held.release();
    held.release();
    expect(disposed).toEqual(['cand-1']);
    next.release();
    // The current model stays loaded with no holder: only a retired one is freed.
    expect(disposed).toEqual(['cand-1']);
  });

  it('a swap during an in-flight shadow scoring waits for that scoring to publish before freeing its model', async () => {
    const base = await registryIn('inflight');
    const { registry, disposed } = disposals(base.registry);
    const source = new RegistryShadowSource(registry, { kind: 'auto' }, 0);
    let unblock!: () => void;
    const published: string[] = [];
    const blocked = new Promise<void>((resolve) => (unblock = resolve));
    let entered!: () => void;
    const inPublish = new Promise<void>((resolve) => (entered = resolve));
    const shadow = new ShadowScoring({
      source,
      publish: async (messages) => {
        entered();
        await blocked;
        published.push(...messages.map((m) => JSON.parse(String(m.value)).payload.model_version as string));
      },
      logger: silentLogger,
    });
    const input = {
      txs: [{ transaction_id: 't-1' }, { transaction_id: 't-2' }],
      rows: Float32Array.from([1, 2, 3, 4, 5, 6]),
      spec: { name: 'kaggle', names: ['f0', 'f1', 'f2'] },
      source: 'test',
      reviewRatio: 0.5,
      at: '2026-01-04T00:00:00.000Z',
    };
    const run = shadow.stream.score(input);
    await inPublish;
    // Mid-run, a newer challenger arrives and the source swaps to it.
    await base.registry.save(candidate('cand-2', '2026-01-03T00:00:00.000Z'), tinyModel([0, 1, 0]));
    expect((await source.current())?.manifest.version).toBe('cand-2');
    expect(disposed).toEqual([]);
    unblock();
    await run;
    expect(published).toEqual(['cand-1', 'cand-1']);
    expect(disposed).toEqual(['cand-1']);
    expect(shadow.stats).toEqual({ published: 2, failed: 0 });
  });
});
