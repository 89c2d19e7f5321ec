// Retrain on a real DuckDB warehouse: it learns, runs repeat for a seed, and only a better model becomes champion.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tfReady } from '../../shared/model/tf-backend.ts';
import { DuckDbWarehouse } from '../../shared/warehouse/duckdb.ts';
import { LocalObjectStore } from '../../shared/objectstore/local.ts';
import { ModelRegistry } from '../../shared/model/registry.ts';
import { silentLogger } from '../../shared/logger.ts';
import { kaggleRows, KAGGLE_HEADER } from '../../shared/synth/kaggle.ts';
import { retrain, type RetrainOptions } from '../../functions/retrain/retrain.ts';
import { tempDir } from '../helpers/tmp.ts';

const dir = tempDir('fraudflow-retrain-');
let warehouse: DuckDbWarehouse;
let registry: ModelRegistry;
const options: RetrainOptions = {
  validationFraction: 0.25, gapSeconds: 3600, thresholdRule: { kind: 'target-precision', precision: 0.5 },
  promotionMargin: 0.01, models: ['logistic-regression'], maxEpochs: 3, seed: 7,
};

beforeAll(async () => {
  await tfReady();
  warehouse = await DuckDbWarehouse.open(join(dir.path, 'w.duckdb'));
  await warehouse.ensureTables();
  // 30,000 rows with the real set's fraud rate, boosted x10 so the validation window holds enough frauds.
  const rows = [...kaggleRows(30_000, 3)].map((line, i) => {
    const v = line.split(',').map(Number);
    const row: Record<string, unknown> = Object.fromEntries(KAGGLE_HEADER.map((c, j) => [c, v[j]]));
    if (i % 60 === 0) row.Class = 1;
    return { ...row, id: i.toString(16).padStart(32, '0'), schema_name: 'kaggle', schema_version: 1, source_file: 'synth', source_line: i + 2, ingested_at: '2026-11-25T00:00:00Z' };
  });
  await warehouse.append('transactions', rows);
  registry = new ModelRegistry(new LocalObjectStore(join(dir.path, 'models')));
}, 60_000);

afterAll(async () => {
  await warehouse.close();
  dir.cleanup();
});

describe('retrain', () => {
  let firstAuprc = 0;

  it('learns from the time-ordered history and becomes the first champion', async () => {
    const r = await retrain({ warehouse, registry, logger: silentLogger, now: () => new Date('2026-11-25T01:00:00Z') }, options);
    expect(r.promoted).toBe(true);
    expect(r.reason).toBe('no champion yet');
    const m = r.manifest;
    const baseRate = m.data.validation_frauds / m.data.validation_rows;
    expect(m.metrics.auprc!).toBeGreaterThan(baseRate * 3);
    // Train strictly before validation, with the gap between.
    expect(m.data.train_range[1]).toBeLessThan(m.data.validation_range[0] - 3600 + 1);
    expect(m.scaler.mean).toHaveLength(31);
    expect((await registry.champion())!.version).toBe(r.version);
    firstAuprc = m.metrics.auprc!;
  }, 120_000);

  it('repeats exactly for a seed, and a model no better than the champion stays a challenger', async () => {
    const r = await retrain({ warehouse, registry, logger: silentLogger, now: () => new Date('2026-11-25T02:00:00Z') }, options);
    expect(r.manifest.metrics.auprc).toBe(firstAuprc);
    expect(r.promoted).toBe(false);
    expect(r.champion_auprc_on_window).toBeCloseTo(firstAuprc, 6);
    expect(r.reason).toMatch(/kept as challenger/);
    expect((await registry.list()).map((m) => m.version)).toHaveLength(2);
  }, 120_000);

  it('lets an operator promote a version and roll back to the previous champion', async () => {
    const [first, second] = await registry.list();
    await registry.promote(second!.version, 'test');
    expect((await registry.champion())!.version).toBe(second!.version);
    await registry.rollback();
    expect((await registry.champion())!.version).toBe(first!.version);
    const reloaded = await registry.load(first!.version);
    expect(reloaded.manifest.threshold).toBe(first!.threshold);
    reloaded.model.dispose();
  });
});
