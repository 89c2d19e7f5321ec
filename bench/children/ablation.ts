// Bench child: the prequential feature ablation on a warehouse's raw history (v2 read once, each set a column subset).
// argv: <warehouse.duckdb> <end YYYY-MM-DD> <folds> <models, comma-separated>; prints one JSON line.
import { DuckDbWarehouse } from '../../shared/warehouse/duckdb/duckdb.ts';
import { silentLogger } from '../../shared/logger.ts';
import { RAW_FEATURES_V2 } from '../../shared/features/raw/spec.ts';
import { planSplits } from '../../functions/retrain/protocol.ts';
import { ablationSets, prequentialAblation } from '../../functions/retrain/ablation.ts';
import type { ModelKind } from '../../functions/retrain/train.ts';

const [file, end, folds, models] = process.argv.slice(2);
const started = performance.now();
const warehouse = await DuckDbWarehouse.open(file!);
try {
  const plan = await planSplits(warehouse, {
    format: 'raw',
    validationFraction: 0.2,
    gapSeconds: undefined,
    windows: { trainDays: 7, delayDays: 7, testDays: 7, end: end! },
    folds: Number(folds),
    spec: RAW_FEATURES_V2,
  });
  const rows = await prequentialAblation(
    plan.data,
    plan.folds,
    ablationSets(),
    { models: models!.split(',') as ModelKind[], maxEpochs: 10, seed: 42 },
    silentLogger,
  );
  process.stdout.write(
    JSON.stringify({
      folds: plan.split.mode === 'windows' ? plan.split.selection_test_windows : [],
      test_window: plan.split.mode === 'windows' ? plan.split.test_window : null,
      seconds: (performance.now() - started) / 1000,
      rows,
    }) + '\n',
  );
} finally {
  await warehouse.close();
}
