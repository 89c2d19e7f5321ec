// `fraudflow ingest <file...>`: the ingest function run on local files.
import type { Command } from 'commander';
import type { IngestSummary } from '../../functions/ingest/ingest.ts';
import { parseColumnMap, type ColumnMap } from '../../shared/schema/header.ts';
import { InvalidArgumentError } from 'commander';

/** A malformed map is a usage error (exit 2), like any other bad option. */
function parseColumnMapOption(text: string): ColumnMap {
  try {
    return parseColumnMap(text);
  } catch (e) {
    throw new InvalidArgumentError((e as Error).message);
  }
}
import type { RuntimeFactory } from '../main.ts';
import { table } from '../output.ts';
import { FraudflowError } from '../../shared/errors.ts';

// eslint-disable-next-line max-lines-per-function -- one commander chain: the options read together, as --help lists them
export function registerIngest(program: Command, runtime: RuntimeFactory): void {
  program
    .command('ingest')
    .description(
      'parse CSV files (Kaggle or raw format, .csv.gz too), produce valid rows to `transactions`, bad rows to `transactions.dlq`',
    )
    .argument('<files...>', 'CSV files to ingest')
    .option(
      '--map <pairs>',
      'header names for columns the file calls otherwise, e.g. amount=AMT,label=FRAUD_FLAG',
      parseColumnMapOption,
    )
    .option('--json', 'print the summaries as JSON')
    .action(async (files: string[], opts: { json?: boolean; map?: ColumnMap }) => {
      const { fileSource, ingestWith } = await import('../../functions/ingest/index.ts');
      const rt = runtime();
      const results: Array<IngestSummary & { status: string; error?: string }> = [];
      let failure: unknown;
      for (const file of files) {
        try {
          results.push({
            ...(await ingestWith(rt, fileSource(file), opts.map ? { columnMap: opts.map } : {})),
            status: 'ok',
          });
        } catch (e) {
          // A file that fails still reports how far it got: what was produced stays produced, and is counted.
          failure ??= e;
          const partial = e instanceof FraudflowError ? (e.details.partial as IngestSummary | undefined) : undefined;
          results.push({
            ...(partial ?? emptySummary(file)),
            status: e instanceof FraudflowError ? e.code : 'INTERNAL',
            error: e instanceof Error ? e.message : String(e),
          });
        }
      }
      if (opts.json) process.stdout.write(JSON.stringify(results, null, 2) + '\n');
      else
        process.stdout.write(
          table(
            results.map(({ file, format, status, read, accepted, rejected, duplicates, elapsed_ms, rows_per_s }) => ({
              file,
              format,
              status,
              read,
              accepted,
              rejected,
              duplicates,
              elapsed_ms,
              rows_per_s,
            })),
          ) + '\n',
        );
      if (failure !== undefined) throw failure;
    });
}

function emptySummary(file: string): IngestSummary {
  return {
    file,
    format: 'unknown',
    topic: '',
    dlq_topic: '',
    read: 0,
    accepted: 0,
    rejected: 0,
    duplicates: 0,
    bytes: 0,
    blank_lines: 0,
    quote_recoveries: 0,
    reread_lines: 0,
    elapsed_ms: 0,
    rows_per_s: 0,
  };
}
