// `fraudflow ingest <file...>`: the ingest function run on local files.
import type { Command } from 'commander';
import { fileSource, ingestWith } from '../../functions/ingest/index.ts';
import type { IngestSummary } from '../../functions/ingest/ingest.ts';
import type { RuntimeFactory } from '../main.ts';
import { table } from '../output.ts';

export function registerIngest(program: Command, runtime: RuntimeFactory): void {
  program
    .command('ingest')
    .description(
      'parse CSV files (Kaggle or raw format, .csv.gz too), produce valid rows to `transactions`, bad rows to `transactions.dlq`',
    )
    .argument('<files...>', 'CSV files to ingest')
    .option('--json', 'print the summaries as JSON')
    .action(async (files: string[], opts: { json?: boolean }) => {
      const rt = runtime();
      const summaries: IngestSummary[] = [];
      for (const file of files) summaries.push(await ingestWith(rt, fileSource(file)));
      if (opts.json) process.stdout.write(JSON.stringify(summaries, null, 2) + '\n');
      else
        process.stdout.write(
          table(
            summaries.map(({ file, format, read, accepted, rejected, duplicates, elapsed_ms, rows_per_s }) => ({
              file,
              format,
              read,
              accepted,
              rejected,
              duplicates,
              elapsed_ms,
              rows_per_s,
            })),
          ) + '\n',
        );
    });
}
