// Bench child: the prequential feature ablation on a warehouse's raw history (v2 read once, each set a column subset).
// argv: <warehouse.duckdb> <end YYYY-MM-DD> <folds> <models, comma-separated> [wide|default|one]; prints one JSON line.
import { DuckDbWarehouse } from '../../shared/warehouse/duckdb/duckdb.ts';
import { createLogger } from '../../shared/logger.ts';
import { RAW_FEATURES_V2 } from '../../shared/features/raw/spec.ts';
import { planSplits } from '../../functions/retrain/protocol.ts';
import { ablationSets, prequentialAblation } from '../../functions/retrain/ablation.ts';
import type { ModelKind } from '../../functions/retrain/train.ts';
import { GBDT_WIDE_GRID, RETRAIN_GBDT } from '../../functions/retrain/gbdt-grid.ts';

const [file, end, folds, models, gridArg] = process.argv.slice(2);
// Progress on stderr (each fold's scores, each set as it completes); stdout keeps the one JSON line.
const logger = createLogger({ level: 'INFO', write: (line: string) => process.stderr.write(line + '\n') });
/** `default`: the selection's own GBDT_GRID; `wide`: every configuration measured; else retrain's one GBDT default. */
const grid = gridArg === 'wide' ? GBDT_WIDE_GRID : gridArg === 'default' ? undefined : [RETRAIN_GBDT];
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
    { models: models!.split(',') as ModelKind[], maxEpochs: 10, seed: 42, ...(grid ? { gbdtGrid: grid } : {}) },
    logger,
    (r) => process.stderr.write(`ABLATION_SET ${JSON.stringify(r)}\n`),
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
