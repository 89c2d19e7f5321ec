// Bench child: writes the time split retrain trains and validates on (same history query, same features, same split)
// as train.csv and validation.csv (feature columns, then label), for the Python comparison models.
import { createWriteStream } from 'node:fs';
import { join } from 'node:path';
import { once } from 'node:events';
import { loadConfig } from '../../shared/config.ts';
import { createRuntime } from '../../shared/runtime.ts';
import { createLogger } from '../../shared/logger.ts';
import { loadKaggleHistory, loadRawHistory, type Dataset } from '../../functions/retrain/dataset.ts';
import { defaultGapSeconds, timeSplit } from '../../functions/retrain/split.ts';

const [format, outDir] = process.argv.slice(2) as ['kaggle' | 'raw', string];
const config = loadConfig();
const rt = createRuntime(config, createLogger({ level: 'ERROR' }));
const warehouse = await rt.warehouse();
const data: Dataset = format === 'raw' ? await loadRawHistory(warehouse) : await loadKaggleHistory(warehouse);
const gapSeconds = config.retrain.gapSeconds ?? defaultGapSeconds(format);
const split = timeSplit(data.time, { validationFraction: config.retrain.validationFraction, gapSeconds });

async function write(file: string, [from, to]: [number, number]): Promise<void> {
  const out = createWriteStream(file);
  out.write([...data.spec.names, 'label'].join(',') + '\n');
  const w = data.width;
  for (let i = from; i < to; i++) {
    const line =
      Array.from(data.features.subarray(i * w, (i + 1) * w), (v) => String(v)).join(',') + `,${data.labels[i]}\n`;
    if (!out.write(line)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
}
await write(join(outDir, 'train.csv'), split.train);
await write(join(outDir, 'validation.csv'), split.validation);
await rt.close();
process.stdout.write(
  JSON.stringify({ train: split.train[1] - split.train[0], validation: split.validation[1] - split.validation[0] }) +
    '\n',
);
