// Retrain on a real DuckDB raw history: Handbook day windows, prequential selection, held-out metrics, no train/serve skew, small windows refused.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tfReady } from '../../shared/model/tf-backend.ts';
import { DuckDbWarehouse } from '../../shared/warehouse/duckdb/duckdb.ts';
import { LocalObjectStore } from '../../shared/objectstore/local/local.ts';
import { ObjectStoreRegistry } from '../../shared/model/registry/objectstore/registry.ts';
import { silentLogger } from '../../shared/logger.ts';
import { contentId } from '../../shared/schema/formats.ts';
import { simulateDays } from '../../shared/simulator/generate.ts';
import { computeAndRecord } from '../../shared/features/raw/compute.ts';
import { MemoryFeatureState } from '../../shared/features/raw/memory-state.ts';
import { RAW_FEATURES } from '../../shared/features/raw/spec.ts';
import { Random } from '../../shared/synth/random.ts';
import { loadRawHistory } from '../../functions/retrain/dataset.ts';
import { UNLABELLED } from '../../functions/retrain/split.ts';
import { retrain, type RetrainOptions } from '../../functions/retrain/retrain.ts';
import { FraudflowError } from '../../shared/errors.ts';
import { tempDir } from '../helpers/tmp.ts';
import { kaggleWarehouseRows } from '../helpers/kaggle-history.ts';

const dir = tempDir('fraudflow-protocol-');
let warehouse: DuckDbWarehouse;
let registry: ObjectStoreRegistry;
// 60 days from 2026-03-01; one label in ten blanked at random (not yet known).
const month = [
  ...simulateDays({ customers: 400, terminals: 300, days: 60, seed: 21, startDate: '2026-03-01', radius: 15 }),
].flat();
const rnd = new Random(4);
const blanked = new Set(month.filter(() => rnd.next() < 0.1).map((tx) => tx.transaction_id));
const options: RetrainOptions = {
  validationFraction: 0.2,
  gapSeconds: undefined,
  format: 'raw',
  windows: { trainDays: 7, delayDays: 7, testDays: 7, end: '2026-04-29' },
  prequentialFolds: 2,
  minValidationRows: 200,
  thresholdRule: { kind: 'target-precision', precision: 0.5 },
  promotionMargin: 0.01,
  models: ['logistic-regression'],
  maxEpochs: 2,
  seed: 3,
};

beforeAll(async () => {
  await tfReady();
  warehouse = await DuckDbWarehouse.open(join(dir.path, 'w.duckdb'));
  await warehouse.ensureTables();
  const rows = month.map((tx, i) => {
    const { fraud_scenario: _s, label, ...rest } = tx;
    const payload = blanked.has(tx.transaction_id) ? rest : { ...rest, label };
    return Buffer.from(
      JSON.stringify({
        id: contentId(`p${i}`),
        schema: { name: 'raw', version: 1 },
        source: { file: 'sim.csv', line: i + 2 },
        ingested_at: '2026-05-01T00:00:00Z',
        payload,
      }),
    );
  });
  await warehouse.appendEnvelopes('transactions', 'raw', rows);
  registry = new ObjectStoreRegistry(new LocalObjectStore(join(dir.path, 'models')));
}, 120_000);

afterAll(async () => {
  await warehouse.close();
  dir.cleanup();
});

describe('retrain by the Handbook protocol', () => {
  it('offline features count every transaction the online state sees, labelled or not (labels blanked at random)', async () => {
    const offline = await loadRawHistory(warehouse);
    expect(offline.rows).toBe(month.length);
    expect(offline.labelled).toBe(month.length - blanked.size);
    const state = new MemoryFeatureState();
    const count1 = RAW_FEATURES.names.indexOf('customer_id_nb_tx_1day_window');
    let differ = 0;
    let countsDiffer = 0;
    for (const [i, tx] of month.entries()) {
      const { fraud_scenario: _s, label, ...rest } = tx;
      const online = await computeAndRecord(blanked.has(tx.transaction_id) ? rest : { ...rest, label }, state);
      const row = offline.features.subarray(i * offline.width, (i + 1) * offline.width);
      if (online.some((v, f) => Math.fround(v) !== row[f])) differ++;
      if (online[count1] !== row[count1]) countsDiffer++;
      expect(offline.labels[i]).toBe(blanked.has(tx.transaction_id) ? UNLABELLED : label);
    }
    expect(blanked.size).toBeGreaterThan(month.length / 20);
    expect({ differ, countsDiffer }).toEqual({ differ: 0, countsDiffer: 0 });
  }, 120_000);

  it('trains on the day windows, selects on earlier folds, and reports AP, AUC and Handbook CP@100 on the held-out test', async () => {
    const r = await retrain({ warehouse, registry, logger: silentLogger }, options);
    const m = r.manifest;
    expect(m.data.split).toMatchObject({
      mode: 'windows',
      end: '2026-04-29',
      train_window: ['2026-04-09', '2026-04-15'],
      delay_window: ['2026-04-16', '2026-04-22'],
      test_window: ['2026-04-23', '2026-04-29'],
      selection_folds: 2,
      // fold 0 tests on the final training window, fold 1 a test length earlier
      selection_test_windows: [
        ['2026-04-09', '2026-04-15'],
        ['2026-04-02', '2026-04-08'],
      ],
    });
    expect(m.data.split!.known_compromised_removed).toBeGreaterThan(0);
    expect(m.data.train_range[0]).toBeGreaterThanOrEqual(Date.parse('2026-04-09T00:00:00Z') / 1000);
    expect(m.data.train_range[1]).toBeLessThan(Date.parse('2026-04-16T00:00:00Z') / 1000);
    expect(m.data.validation_range[0]).toBeGreaterThanOrEqual(Date.parse('2026-04-23T00:00:00Z') / 1000);
    expect(m.data.validation_range[1]).toBeLessThan(Date.parse('2026-04-30T00:00:00Z') / 1000);
    expect(m.data.minimum).toEqual({ validation_rows: 200, validation_frauds: 5 });
    expect(m.selection!.folds).toBe(2);
    const lr = m.selection!.candidates[0]!;
    expect(lr.model).toBe('logistic-regression');
    expect(lr.auprc.mean).toBeGreaterThan(0);
    expect(lr.auprc.sd).toBeGreaterThanOrEqual(0);
    expect(lr.card_precision_at_100!.mean).toBeGreaterThan(0);
    expect(m.metrics.auprc).toBeGreaterThan(0);
    expect(m.metrics.roc_auc).toBeGreaterThan(0.5);
    expect(m.metrics.card_precision_at_100).toBeGreaterThan(0);
    expect((await registry.manifest(r.version)).data.split!.mode).toBe('windows');
  }, 180_000);

  it('refuses windows that start before the history, naming the dates', async () => {
    await expect(
      retrain(
        { warehouse, registry, logger: silentLogger },
        { ...options, windows: { trainDays: 40, delayDays: 7, testDays: 7, end: '2026-04-20' } },
      ),
    ).rejects.toThrow(/start training on 2026-02-26, before the history \(from 2026-03-01\)/);
  });
});

describe('a validation window too small to judge a model', () => {
  it('is refused with the minimum in the error: one Kaggle row at Time=2e300 would otherwise be the whole window', async () => {
    const d = tempDir('fraudflow-protocol-kaggle-');
    const w = await DuckDbWarehouse.open(join(d.path, 'w.duckdb'));
    try {
      await w.ensureTables();
      const rows = kaggleWarehouseRows(4_000, 5);
      rows.push({ ...rows[0]!, id: 'f'.repeat(32), source_line: 99_999, Time: 2e300, Class: 0 });
      await w.append('transactions', rows);
      const reg = new ObjectStoreRegistry(new LocalObjectStore(join(d.path, 'models')));
      const run = retrain(
        { warehouse: w, registry: reg, logger: silentLogger },
        { ...options, format: 'kaggle', windows: undefined, gapSeconds: 0, minValidationRows: 1000 },
      );
      await expect(run).rejects.toThrow(FraudflowError);
      await expect(run).rejects.toThrow(
        /validation window \(1 rows, 0 frauds\) is too small to judge a model: at least 1000 rows and 5 frauds/,
      );
      expect(await reg.champion()).toBeNull();
    } finally {
      await w.close();
      d.cleanup();
    }
  }, 120_000);
});
