// `fraudflow demo`: the pipeline end to end on the embedded default, on generated data or a given CSV.
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Command } from 'commander';
import { fileSource, ingestWith } from '../../functions/ingest/index.ts';
import { writeKaggleCsv, KAGGLE_ROWS } from '../../shared/synth/kaggle.ts';
import type { RuntimeFactory } from '../main.ts';
import { table } from '../output.ts';

export function registerDemo(program: Command, runtime: RuntimeFactory): void {
  program.command('demo')
    .description('run the pipeline end to end on the embedded default: generate (or take) a CSV, ingest it, show what landed')
    .argument('[csv]', 'a CSV to use instead of generated data (e.g. the Kaggle creditcard.csv)')
    .option('--rows <n>', 'rows of generated Kaggle-format data', String(KAGGLE_ROWS))
    .option('--json', 'print the summary as JSON')
    .action(async (csv: string | undefined, opts: { rows: string; json?: boolean }) => {
      const rt = runtime();
      let file = csv;
      if (!file) {
        await mkdir(rt.config.uploadsDir, { recursive: true });
        file = join(rt.config.uploadsDir, 'synthetic-kaggle.csv');
        await writeKaggleCsv(file, Number(opts.rows));
      }
      const ingest = await ingestWith(rt, fileSource(file));
      const topics = await (await rt.eventLog()).listTopics();
      const summary = { ingest, topics: topics.map((t) => ({ topic: t.name, messages: t.partitions.reduce((n, p) => n + p.highWatermark - p.lowWatermark, 0) })) };
      if (opts.json) {
        process.stdout.write(JSON.stringify(summary, null, 2) + '\n');
        return;
      }
      process.stdout.write(`ingest: ${ingest.read} rows read, ${ingest.accepted} accepted, ${ingest.rejected} rejected, ${ingest.rows_per_s} rows/s\n\n`);
      process.stdout.write(table(summary.topics) + '\n');
    });
}
