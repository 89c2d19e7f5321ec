// `fraudflow demo`: the whole pipeline on the embedded default, on raw transactions (default) or Kaggle-format rows.
import { join } from 'node:path';
import { type Command, InvalidArgumentError } from 'commander';
import { KAGGLE_ROWS } from '../../shared/synth/kaggle.ts';
import type { RuntimeFactory } from '../main.ts';
import { positiveInt } from '../args.ts';
import { KAGGLE_STAGES, printKaggleSummary, runKaggleDemo } from '../demo/kaggle.ts';
import { RAW_DEMO, RAW_STAGES, runRawDemo } from '../demo/raw.ts';
import { printRawSummary, rawSummaryRows } from '../demo/raw-summary.ts';
import { steps } from '../demo/steps.ts';
import { writeReport } from './report.ts';

interface DemoOptions {
  format?: string;
  rows?: number;
  json?: boolean;
}

/** A CSV given is Kaggle-format, so it implies `--format kaggle`; the raw path simulates its own data. */
function formatOf(csv: string | undefined, asked: string | undefined): 'raw' | 'kaggle' {
  if (asked !== undefined && asked !== 'raw' && asked !== 'kaggle')
    throw new InvalidArgumentError(`--format: expected raw or kaggle, got "${asked}"`);
  if (csv && asked === 'raw')
    throw new InvalidArgumentError('demo: a CSV argument is Kaggle-format; the raw path simulates its transactions');
  return csv ? 'kaggle' : ((asked as 'raw' | 'kaggle' | undefined) ?? 'raw');
}

async function runDemo(runtime: RuntimeFactory, csv: string | undefined, opts: DemoOptions): Promise<void> {
  const format = formatOf(csv, opts.format);
  const rt = runtime();
  const s = steps(format === 'raw' ? RAW_STAGES : KAGGLE_STAGES, opts.json === true);
  const reportPath = join(rt.config.dataDir, 'report.html');
  if (format === 'raw') {
    const summary = await runRawDemo(rt, { rows: opts.rows ?? RAW_DEMO.rows }, s);
    s.stage('write the report');
    const report = await writeReport(rt, reportPath);
    const elapsed_s = s.elapsedS();
    if (opts.json)
      return void process.stdout.write(
        JSON.stringify({ ...summary, table: rawSummaryRows(summary), report, elapsed_s }, null, 2) + '\n',
      );
    return printRawSummary(summary, report, elapsed_s);
  }
  const summary = await runKaggleDemo(rt, { rows: opts.rows ?? KAGGLE_ROWS, ...(csv ? { csv } : {}) }, s);
  const report = await writeReport(rt, reportPath);
  const elapsed_s = s.elapsedS();
  if (opts.json) return void process.stdout.write(JSON.stringify({ ...summary, report, elapsed_s }, null, 2) + '\n');
  printKaggleSummary(summary, report, elapsed_s);
}

export function registerDemo(program: Command, runtime: RuntimeFactory): void {
  program
    .command('demo')
    .description(
      'the pipeline end to end on the embedded default: simulated raw transactions, delay-aware retrain, ' +
        'the live days scored on the stream, labels arriving late, a second retrain; then the report',
    )
    .argument(
      '[csv]',
      'a Kaggle-format CSV to use instead of generated data (implies --format kaggle; scored in-sample)',
    )
    .option('--format <format>', 'raw (Handbook simulator, the default) or kaggle (PCA-style rows, AUC near 1)')
    .option(
      '--rows <n>',
      `transactions to generate: about ${RAW_DEMO.rows} simulated over ${RAW_DEMO.historyDays + RAW_DEMO.liveDays} days (raw), ` +
        `${KAGGLE_ROWS} rows (kaggle)`,
      positiveInt,
    )
    .option('--json', 'print the summary as JSON')
    .action((csv: string | undefined, opts: DemoOptions) => runDemo(runtime, csv, opts));
}
