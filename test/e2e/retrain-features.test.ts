// Retrain asked for raw features v1, v2 or v3 records that spec in the manifest; a v2 model is judged against a v1 or
// v3 champion on the same held-out rows (their columns lead v2's), rows of all specs agree on v1's columns, and v3's
// rows (window sums and the ratios) are v2's same-named columns (the computeAndRecord path) bit for bit.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tfReady } from '../../shared/model/tf-backend.ts';
import { DuckDbWarehouse } from '../../shared/warehouse/duckdb/duckdb.ts';
import { LocalObjectStore } from '../../shared/objectstore/local/local.ts';
import { ObjectStoreRegistry } from '../../shared/model/registry/objectstore/registry.ts';
import { silentLogger } from '../../shared/logger.ts';
import { contentId } from '../../shared/schema/formats.ts';
import { simulateDays } from '../../shared/simulator/generate.ts';
import { RAW_FEATURES, RAW_FEATURES_V2, RAW_FEATURES_V3 } from '../../shared/features/raw/spec.ts';
import { loadRawHistory } from '../../functions/retrain/dataset.ts';
import { retrain, type RetrainOptions } from '../../functions/retrain/retrain.ts';
import { tempDir } from '../helpers/tmp.ts';

const dir = tempDir('fraudflow-retrain-features-');
let warehouse: DuckDbWarehouse;
const month = [
  ...simulateDays({ customers: 300, terminals: 200, days: 50, seed: 23, startDate: '2026-03-01', radius: 15 }),
].flat();
const options: RetrainOptions = {
  validationFraction: 0.2,
  gapSeconds: undefined,
  format: 'raw',
  windows: { trainDays: 7, delayDays: 7, testDays: 7, end: '2026-04-19' },
  prequentialFolds: 1,
  minValidationRows: 200,
  thresholdRule: { kind: 'target-precision', precision: 0.5 },
  promotionMargin: 0,
  models: ['logistic-regression'],
  maxEpochs: 2,
  seed: 3,
};

beforeAll(async () => {
  await tfReady();
  warehouse = await DuckDbWarehouse.open(join(dir.path, 'w.duckdb'));
  await warehouse.ensureTables();
  const rows = month.map((tx, i) => {
    const { fraud_scenario: _s, ...payload } = tx;
    const envelope = { id: contentId(`f${i}`), schema: { name: 'raw', version: 1 } };
    return Buffer.from(
      JSON.stringify({
        ...envelope,
        source: { file: 'sim.csv', line: i + 2 },
        ingested_at: '2026-05-01T00:00:00Z',
        payload,
      }),
    );
  });
  await warehouse.appendEnvelopes('transactions', 'raw', rows);
}, 120_000);
afterAll(async () => {
  await warehouse.close();
  dir.cleanup();
});

describe('retrain --features v1|v2|v3', () => {
  it('records the spec it trained on, and judges a v2 model against a v1 champion on the same rows', async () => {
    const registry = new ObjectStoreRegistry(new LocalObjectStore(join(dir.path, 'models')));
    const ports = { warehouse, registry, logger: silentLogger };
    const first = await retrain(ports, { ...options, features: 1 });
    expect(first.manifest.feature_spec).toEqual(RAW_FEATURES);
    expect(first.promoted).toBe(true);
    const second = await retrain(ports, { ...options, features: 2 });
    expect(second.manifest.feature_spec).toEqual(RAW_FEATURES_V2);
    // The v1 champion was re-scored on the v2 rows' leading columns: a number, not "not comparable".
    expect(second.manifest.promotion!.champion).toMatchObject({ version: first.version });
    expect(second.manifest.promotion!.champion!.auprc_on_window).toBeGreaterThan(0);
    expect(second.manifest.data.validation_rows).toBe(first.manifest.data.validation_rows);
  }, 240_000);

  it("v2 rows hold v1's rows as their first columns", async () => {
    const v1 = await loadRawHistory(warehouse);
    const v2 = await loadRawHistory(warehouse, { spec: RAW_FEATURES_V2 });
    expect([v1.width, v2.width, v2.rows]).toEqual([15, RAW_FEATURES_V2.names.length, v1.rows]);
    let differ = 0;
    for (let i = 0; i < v1.rows; i++)
      for (let f = 0; f < v1.width; f++) if (v1.features[i * 15 + f] !== v2.features[i * v2.width + f]) differ++;
    expect(differ).toBe(0);
  }, 120_000);

  it('records v3 when asked, and a later v2 model is judged against that v3 champion on the same rows', async () => {
    const registry = new ObjectStoreRegistry(new LocalObjectStore(join(dir.path, 'models-v3')));
    const ports = { warehouse, registry, logger: silentLogger };
    const first = await retrain(ports, { ...options, features: 3 });
    expect(first.manifest.feature_spec).toEqual(RAW_FEATURES_V3);
    expect(first.promoted).toBe(true);
    const second = await retrain(ports, { ...options, features: 2 });
    expect(second.manifest.promotion!.champion).toMatchObject({ version: first.version });
    expect(second.manifest.promotion!.champion!.auprc_on_window).toBeGreaterThan(0);
  }, 240_000);

  it("v3 rows by window sums are v2 rows' same-named columns, bit for bit", async () => {
    const v2 = await loadRawHistory(warehouse, { spec: RAW_FEATURES_V2 });
    const v3 = await loadRawHistory(warehouse, { spec: RAW_FEATURES_V3 });
    expect([v3.width, v3.rows, v3.labelled]).toEqual([21, v2.rows, v2.labelled]);
    const at = RAW_FEATURES_V3.names.map((n) => RAW_FEATURES_V2.names.indexOf(n));
    let differ = 0;
    for (let i = 0; i < v3.rows; i++)
      at.forEach((c, k) => {
        if (!Object.is(v3.features[i * 21 + k], v2.features[i * v2.width + c])) differ++;
      });
    expect(differ).toBe(0);
    expect(Array.from(v3.labels)).toEqual(Array.from(v2.labels));
  }, 120_000);
});
