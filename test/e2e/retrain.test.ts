// Retrain on a real DuckDB warehouse: it learns, runs repeat for a seed, and only a model better by the margin becomes champion.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tfReady } from '../../shared/model/tf-backend.ts';
import { DuckDbWarehouse } from '../../shared/warehouse/duckdb/duckdb.ts';
import { LocalObjectStore } from '../../shared/objectstore/local/local.ts';
import { ObjectStoreRegistry } from '../../shared/model/registry/objectstore/registry.ts';
import { createLogger, silentLogger } from '../../shared/logger.ts';
import { KAGGLE_FEATURES } from '../../shared/features/kaggle.ts';
import { retrain, type RetrainOptions } from '../../functions/retrain/retrain.ts';
import { tempDir } from '../helpers/tmp.ts';
import { kaggleWarehouseRows } from '../helpers/kaggle-history.ts';
import { tinyManifest, tinyModel } from '../helpers/model.ts';

const dir = tempDir('fraudflow-retrain-');
let warehouse: DuckDbWarehouse;
let registry: ObjectStoreRegistry;
const options: RetrainOptions = {
  validationFraction: 0.25,
  gapSeconds: 3600,
  thresholdRule: { kind: 'target-precision', precision: 0.5 },
  promotionMargin: 0.01,
  models: ['logistic-regression'],
  maxEpochs: 3,
  seed: 7,
};
const at = (hour: number) => () => new Date(Date.UTC(2026, 10, 25, hour));

beforeAll(async () => {
  await tfReady();
  warehouse = await DuckDbWarehouse.open(join(dir.path, 'w.duckdb'));
  await warehouse.ensureTables();
  await warehouse.append('transactions', kaggleWarehouseRows(24_000, 3));
  registry = new ObjectStoreRegistry(new LocalObjectStore(join(dir.path, 'models')));
}, 60_000);

afterAll(async () => {
  await warehouse.close();
  dir.cleanup();
});

describe('retrain', () => {
  let firstAuprc = 0;

  it('learns from the time-ordered history and becomes the first champion', async () => {
    const r = await retrain({ warehouse, registry, logger: silentLogger, now: at(1) }, options);
    expect(r.promoted).toBe(true);
    expect(r.reason).toBe('no champion yet');
    const m = r.manifest;
    const baseRate = m.data.validation_frauds / m.data.validation_rows;
    expect(m.data.validation_frauds).toBeGreaterThan(5);
    expect(m.metrics.auprc!).toBeGreaterThan(Math.max(0.3, 50 * baseRate));
    // Train strictly before validation, with the gap between; 24,000 rows in all, none in the gap counted.
    expect(m.data.validation_range[0] - m.data.train_range[1]).toBeGreaterThanOrEqual(3600);
    expect(m.data.train_rows + m.data.validation_rows).toBeLessThan(24_000);
    expect(m.data.validation_rows).toBeGreaterThan(5_000);
    expect(m.scaler.mean).toHaveLength(31);
    expect(m.feature_spec).toEqual(KAGGLE_FEATURES);
    expect(m.code_version).toMatch(/^(git:[0-9a-f]+|fraudflow@)/);
    expect(m.threshold_reached).toBe(true);
    expect(m.metrics.precision).toBeGreaterThanOrEqual(0.5);
    expect((await registry.champion())!.version).toBe(r.version);
    expect((await registry.manifest(r.version)).promotion).toEqual({
      promoted: true,
      reason: 'no champion yet',
      margin: 0.01,
      champion: null,
    });
    firstAuprc = m.metrics.auprc!;
  }, 120_000);

  it('repeats exactly for a seed; a model no better than the champion stays a challenger, reason logged and recorded', async () => {
    const lines: string[] = [];
    const r = await retrain(
      { warehouse, registry, logger: createLogger({ write: (l) => lines.push(l) }), now: at(2) },
      options,
    );
    expect(r.manifest.metrics.auprc).toBe(firstAuprc);
    expect(r.promoted).toBe(false);
    expect(r.champion_auprc_on_window).toBeCloseTo(firstAuprc, 6);
    expect(r.reason).toMatch(/no better; kept as challenger/);
    const stored = await registry.manifest(r.version);
    expect(stored.promotion).toMatchObject({
      promoted: false,
      reason: r.reason,
      champion: { version: '20261125T010000-lr' },
    });
    const logged = lines
      .map((l) => JSON.parse(l) as Record<string, unknown>)
      .find((l) => l.message === 'retrain: kept as challenger');
    expect(logged).toMatchObject({ severity: 'INFO', reason: r.reason, champion: '20261125T010000-lr' });
    expect((await registry.list()).map((m) => m.version)).toEqual(['20261125T010000-lr', '20261125T020000-lr']);
    expect((await registry.champion())!.version).toBe('20261125T010000-lr');
  }, 120_000);

  it('replaces a weaker champion, re-scored on the new window, when the gain reaches the margin', async () => {
    // A champion that scores every row the same: its AUPRC on any window is the fraud rate there.
    const names = KAGGLE_FEATURES.names;
    await registry.save(
      tinyManifest('weak', {
        feature_spec: KAGGLE_FEATURES,
        scaler: { mean: names.map(() => 0), std: names.map(() => 1) },
      }),
      tinyModel(names.map(() => 0)),
    );
    await registry.promote('weak', 'test: a weak champion');
    const r = await retrain({ warehouse, registry, logger: silentLogger, now: at(4) }, options);
    const baseRate = r.manifest.data.validation_frauds / r.manifest.data.validation_rows;
    expect(r.champion_auprc_on_window).toBeCloseTo(baseRate, 6);
    expect(r.promoted).toBe(true);
    expect(r.reason).toMatch(/beats champion weak/);
    expect((await registry.champion())!.version).toBe(r.version);
  }, 120_000);

  it('lets an operator promote a version and roll back to the previous champion', async () => {
    await registry.promote('20261125T020000-lr', 'test');
    expect((await registry.champion())!.version).toBe('20261125T020000-lr');
    await registry.rollback();
    expect((await registry.champion())!.version).toBe('20261125T040000-lr');
    await registry.rollback();
    expect((await registry.champion())!.version).toBe('weak');
    const reloaded = await registry.load('20261125T010000-lr');
    expect(reloaded.manifest.metrics.auprc).toBe(firstAuprc);
    reloaded.model.dispose();
  });

  it('refuses a history whose validation window holds no fraud, saying so', async () => {
    const empty = await DuckDbWarehouse.open(join(dir.path, 'none.duckdb'));
    await empty.ensureTables();
    await empty.append(
      'transactions',
      kaggleWarehouseRows(2_000, 3).map((r) => ({ ...r, Class: 0 })),
    );
    await expect(
      retrain({ warehouse: empty, registry, logger: silentLogger, now: at(5) }, options),
    ).rejects.toMatchObject({ code: 'INPUT_INVALID', message: expect.stringMatching(/holds no fraud/) });
    await empty.close();
  });
});
