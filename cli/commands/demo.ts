// `fraudflow demo`: the pipeline end to end on the embedded default, on generated data or a given CSV.
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Command } from 'commander';
import { fileSource, ingestWith } from '../../functions/ingest/index.ts';
import { sinkWith } from '../../functions/sink/index.ts';
import { queryAll } from '../../shared/warehouse/port.ts';
import { writeKaggleCsv, KAGGLE_ROWS } from '../../shared/synth/kaggle.ts';
import type { RuntimeFactory } from '../main.ts';
import { table } from '../output.ts';

export function registerDemo(program: Command, runtime: RuntimeFactory): void {
  program.command('demo')
    .description('run the pipeline end to end on the embedded default: generate (or take) a CSV, ingest it, sink it into the warehouse, query it')
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
      const say = (line: string) => opts.json || process.stdout.write(line + '\n');
      say(`[1/3] ingest ${file}`);
      const ingest = await ingestWith(rt, fileSource(file));
      say(`      ${ingest.read} rows read, ${ingest.accepted} accepted, ${ingest.rejected} rejected, ${ingest.rows_per_s} rows/s`);
      say('[2/3] sink the topics into the warehouse');
      const sink = await sinkWith(rt);
      const sunk = sink.find((t) => t.topic === 'transactions')!;
      say(`      ${sunk.inserted} rows inserted, ${sunk.duplicates} already there, lag left ${sunk.lag_left}, ${Math.round(sunk.rows / Math.max(sunk.elapsed_ms / 1000, 1e-3))} rows/s`);
      say('[3/3] query the history');
      const history = await queryAll(await rt.warehouse(),
        `select schema_name as format, count(*)::INTEGER as transactions, sum(coalesce("Class", label))::INTEGER as frauds,
                round(avg("Amount"), 2) as avg_amount from transactions group by 1 order by 1`);
      const summary = { ingest, sink, history };
      if (opts.json) {
        process.stdout.write(JSON.stringify(summary, null, 2) + '\n');
        return;
      }
      process.stdout.write(table(history) + '\n');
    });
}
