// Bench child: each family refitted on the held-out split exactly as retrain's final fit does (the folds' choices read
// from the kept manifest), scored on the test window; and the same matrix exported for the Python references.
// argv: <warehouse.duckdb> <manifest.json> <out dir>; prints one JSON line.
import { createWriteStream, readFileSync } from 'node:fs';
import { once } from 'node:events';
import { join } from 'node:path';
import { DuckDbWarehouse } from '../../shared/warehouse/duckdb/duckdb.ts';
import { rawSpecOf } from '../../shared/features/raw/spec.ts';
import { averagePrecision, rocAuc } from '../../shared/metrics/ranking.ts';
import { cardPrecisionTopK } from '../../shared/metrics/card-precision.ts';
import { predictScaled } from '../../shared/model/predict.ts';
import { ForestModel } from '../../shared/model/gbdt/model.ts';
import { planSplits } from '../../functions/retrain/protocol.ts';
import { cardColumns, gatherLabels, gatherRows, matrices } from '../../functions/retrain/matrix.ts';
import { trainModel, type ModelKind } from '../../functions/retrain/train.ts';
import { GBDT_WIDE_GRID } from '../../functions/retrain/gbdt-grid.ts';
import type { ModelManifest } from '../../shared/schema/model-manifest.ts';

const [file, manifestFile, outDir] = process.argv.slice(2) as [string, string, string];
const manifest = JSON.parse(readFileSync(manifestFile, 'utf8')) as ModelManifest;
const split = manifest.data.split!;
if (split.mode !== 'windows') throw new Error('handbook-families: the manifest was not trained on day windows');
const warehouse = await DuckDbWarehouse.open(file);
const plan = await planSplits(warehouse, {
  format: 'raw',
  validationFraction: 0.2,
  gapSeconds: undefined,
  windows: { trainDays: split.train_days!, delayDays: split.delay_days!, testDays: split.test_days!, end: split.end! },
  folds: split.selection_folds,
  spec: rawSpecOf(manifest.feature_spec.version),
});
await warehouse.close();
const { data, heldOut } = plan;
const m = matrices(data, heldOut, [plan.folds[0]!.test]);
const stop = { x: m.extra[0]!, y: gatherLabels(data.labels, plan.folds[0]!.test) };
const cards = cardColumns(data, heldOut.test)!;

const families = [];
for (const c of manifest.candidates) {
  const kind = c.model as ModelKind;
  const grid = kind === 'gbdt' ? GBDT_WIDE_GRID.find((g) => c.detail?.startsWith(`gbdt ${g.name}:`)) : undefined;
  const t = await trainModel(m.xTrain, m.yTrain, stop.x, stop.y, data.width, {
    kind,
    maxEpochs: Math.max(1, Math.min(10, c.epochs)),
    seed: manifest.seed,
    ...(grid
      ? {
          gbdt: { ...grid.params, rounds: c.epochs, earlyStoppingRounds: 0 },
          classWeighting: grid.classWeighting,
        }
      : {}),
  });
  const scores =
    t.model instanceof ForestModel ? t.model.predictScaled(m.xTest) : predictScaled(t.model, m.xTest, data.width);
  t.model.dispose();
  families.push({
    model: kind,
    detail: c.detail ?? '',
    auprc: averagePrecision(scores, m.yTest),
    roc_auc: rocAuc(scores, m.yTest),
    cp100: cardPrecisionTopK({ ...cards, score: scores, label: m.yTest }, 100).mean,
  });
}

/** Feature columns, then day, card and label: the Python side computes AP, AUC and the same CP@100. */
async function write(name: string, rows: Uint32Array, withCards: boolean): Promise<void> {
  const out = createWriteStream(join(outDir, name));
  out.write([...data.spec.names, 'day', 'card', 'label'].join(',') + '\n');
  const x = gatherRows(data.features, data.width, rows);
  const w = data.width;
  for (let k = 0; k < rows.length; k++) {
    const i = rows[k]!;
    const day = Math.floor(data.time[i]! / 86_400);
    const card = withCards ? data.cards![i]! : 0;
    const line = Array.from(x.subarray(k * w, (k + 1) * w), String).join(',') + `,${day},${card},${data.labels[i]}\n`;
    if (!out.write(line)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
}
await write('train.csv', heldOut.train, true);
await write('test.csv', heldOut.test, true);
process.stdout.write(JSON.stringify({ families }) + '\n');
