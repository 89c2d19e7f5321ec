// A GBDT trained as a retrain candidate is stored in the registry and scored and explained by the local endpoint.
import { afterAll, describe, expect, it } from 'vitest';
import { trainModel } from '../../functions/retrain/train.ts';
import { ObjectStoreRegistry } from '../../shared/model/registry/objectstore/registry.ts';
import { LocalModelEndpoint } from '../../shared/model/local/local.ts';
import { loadedModel } from '../../shared/model/scorer.ts';
import { readModelFiles } from '../../shared/model/registry/objectstore/artifacts.ts';
import { ForestModel } from '../../shared/model/gbdt/model.ts';
import { fitScaler, applyScaler } from '../../shared/model/scaler.ts';
import { scaleRows } from '../../shared/model/predict.ts';
import { LocalObjectStore } from '../../shared/objectstore/local/local.ts';
import { Random } from '../../shared/synth/random.ts';
import { type ModelManifest } from '../../shared/schema/model-manifest.ts';
import { Verdict } from '../../shared/schema/verdict.ts';
import { tinyManifest } from '../helpers/model.ts';
import { tempDir } from '../helpers/tmp.ts';

const WIDTH = 4;
const names = ['amount', 'night', 'terminal_risk', 'noise'];
const rnd = new Random(5);
/** Raw features on very different scales; fraud when terminal risk is high and the amount large. */
function rows(n: number) {
  const raw = new Float32Array(n * WIDTH);
  const y = new Uint8Array(n);
  for (let r = 0; r < n; r++) {
    raw[r * WIDTH] = Math.exp(rnd.normal(3, 1));
    raw[r * WIDTH + 1] = rnd.next() < 0.2 ? 1 : 0;
    raw[r * WIDTH + 2] = rnd.next() * 0.3;
    raw[r * WIDTH + 3] = rnd.normal(100, 30);
    y[r] = raw[r * WIDTH + 2]! > 0.2 && raw[r * WIDTH]! > 30 ? (rnd.next() < 0.8 ? 1 : 0) : rnd.next() < 0.01 ? 1 : 0;
  }
  return { raw, y };
}
const train = rows(5000);
const val = rows(2000);
const scaler = fitScaler(train.raw, WIDTH, [0, 5000]);
const dir = tempDir('fraudflow-gbdt-registry-');
afterAll(() => dir.cleanup());

describe('gbdt in the registry', async () => {
  const t = await trainModel(
    applyScaler(train.raw, WIDTH, [0, 5000], scaler),
    train.y,
    applyScaler(val.raw, WIDTH, [0, 2000], scaler),
    val.y,
    WIDTH,
    { kind: 'gbdt', maxEpochs: 1, seed: 1 },
  );
  const registry = new ObjectStoreRegistry(new LocalObjectStore(dir.path));
  const manifest: ModelManifest = {
    ...tinyManifest('v-gbdt', { model: 'gbdt', feature_spec: { name: 'handbook', version: 1, names } }),
    scaler,
    ...(t.kind === 'gbdt' ? { gbdt: t.architecture } : {}),
  };

  it('trains as a retrain candidate: early-stopped on validation AUPRC, the kept trees scoring what it reports', () => {
    expect(t.kind).toBe('gbdt');
    expect(t.auprc).toBeGreaterThan(0.5);
    expect(t.epochs).toBeLessThanOrEqual(t.epochsRun);
    expect(t.model).toBeInstanceOf(ForestModel);
    expect((t.model as ForestModel).forest.trees).toHaveLength(t.epochs);
    expect(t.detail).toMatch(/trees \(of \d+ grown\)/);
  });

  it('saves forest.json with a manifest that names the architecture, and loads it back to the same scores', async () => {
    await registry.save(manifest, t.model);
    const stored = await registry.loadAny('v-gbdt');
    expect(stored.manifest.gbdt?.trees).toBe(t.epochs);
    expect(stored.model).toBeInstanceOf(ForestModel);
    const loaded = loadedModel(stored.model, stored.manifest);
    const perRow = Array.from({ length: 2000 }, (_, r) => val.raw.subarray(r * WIDTH, (r + 1) * WIDTH));
    expect([...loaded.predict(perRow)]).toEqual([...t.validationScores]);
    // The serving container's path (runtime.modelAt) reads a version's folder the same way.
    const direct = await readModelFiles(new LocalObjectStore(registry.uri('v-gbdt')), '');
    expect([...(direct.model as ForestModel).predictScaled(scaleRows(val.raw, WIDTH, scaler))]).toEqual([
      ...t.validationScores,
    ]);
  });

  it('refuses a forest through the network-only load() with a clear error', async () => {
    await expect(registry.load('v-gbdt')).rejects.toMatchObject({ code: 'MODEL_UNAVAILABLE' });
  });

  it('serves the GBDT champion from the local endpoint with verdict-shaped reasons', async () => {
    await registry.promote('v-gbdt', 'test');
    const endpoint = new LocalModelEndpoint(registry);
    const { scores } = await endpoint.predict(val.raw, WIDTH);
    expect([...scores]).toEqual([...t.validationScores]);
    const reasons = await endpoint.explain(val.raw.subarray(0, 50 * WIDTH), WIDTH, 3);
    expect(reasons).toHaveLength(50);
    for (const r of reasons) {
      expect(r).toHaveLength(3);
      Verdict.shape.reasons.parse(r);
    }
    // The clearest frauds owe their score to the features that drive the label.
    const top = [...scores.keys()].sort((a, b) => scores[b]! - scores[a]!).slice(0, 5);
    const topReasons = await endpoint.explain(
      Float32Array.from(top.flatMap((r) => [...val.raw.subarray(r * WIDTH, (r + 1) * WIDTH)])),
      WIDTH,
      2,
    );
    for (const r of topReasons) expect(r.map((c) => c.feature).sort()).toEqual(['amount', 'terminal_risk']);
  });

  it('reports a corrupt forest.json as MODEL_UNAVAILABLE naming the version, no contents', async () => {
    const store = new LocalObjectStore(dir.path);
    await registry.save({ ...manifest, version: 'v-broken' }, t.model);
    await store.write('versions/v-broken/forest.json', '{"format":"fraudflow-gbdt","trees":[1]}');
    const e = await registry.loadAny('v-broken').catch((err: unknown) => err);
    expect(e).toMatchObject({ code: 'MODEL_UNAVAILABLE' });
    expect((e as Error).message).toContain('v-broken');
    expect((e as Error).message).not.toContain('"trees"');
  });
});
