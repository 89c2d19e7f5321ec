// Bench child: the Kaggle-format time split retrain used (same history, same fraction split), written with the kept
// version's scores on the validation rows, for the Python references and the base-rate reweighted AP.
// argv: <version> <out dir>; FRAUDFLOW_DATA_DIR names the data; prints one JSON line.
import { createWriteStream } from 'node:fs';
import { join } from 'node:path';
import { once } from 'node:events';
import { loadConfig } from '../../shared/config.ts';
import { createRuntime } from '../../shared/runtime.ts';
import { createLogger } from '../../shared/logger.ts';
import { scoreRaw } from '../../shared/model/scorer.ts';
import { loadKaggleHistory } from '../../functions/retrain/dataset.ts';
import { defaultGapSeconds, timeSplit } from '../../functions/retrain/split.ts';

const [version, outDir] = process.argv.slice(2) as [string, string];
const config = loadConfig();
const rt = createRuntime(config, createLogger({ level: 'ERROR' }));
const data = await loadKaggleHistory(await rt.warehouse());
const split = timeSplit(data.time, {
  validationFraction: config.retrain.validationFraction,
  gapSeconds: config.retrain.gapSeconds ?? defaultGapSeconds('kaggle'),
});
const w = data.width;
const [v0, v1] = split.validation;
const loaded = await rt.models().loadAny(version);
const scores = scoreRaw(loaded.model, loaded.manifest, data.features.slice(v0 * w, v1 * w));
loaded.model.dispose();

/** Feature columns, label, and (validation) fraudflow's score. */
async function write(file: string, [from, to]: [number, number], withScore: boolean): Promise<void> {
  const out = createWriteStream(file);
  out.write([...data.spec.names, 'label', ...(withScore ? ['fraudflow'] : [])].join(',') + '\n');
  for (let i = from; i < to; i++) {
    const score = withScore ? `,${scores[i - from]}` : '';
    const line =
      Array.from(data.features.subarray(i * w, (i + 1) * w), String).join(',') + `,${data.labels[i]}${score}\n`;
    if (!out.write(line)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
}
await write(join(outDir, 'ulb-train.csv'), split.train, false);
await write(join(outDir, 'ulb-validation.csv'), split.validation, true);
await rt.close();
process.stdout.write(JSON.stringify({ train: split.train[1] - split.train[0], validation: v1 - v0 }) + '\n');
