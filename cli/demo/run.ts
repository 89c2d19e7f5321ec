// `fraudflow demo`'s run: the raw or Kaggle path, the report, the summary (loaded only when the command runs).
import { join } from 'node:path';
import { InvalidArgumentError } from 'commander';
import { KAGGLE_ROWS } from '../../shared/synth/kaggle.ts';
import type { RuntimeFactory } from '../main.ts';
import { KAGGLE_STAGES, printKaggleSummary, runKaggleDemo } from './kaggle.ts';
import { RAW_STAGES, runRawDemo } from './raw.ts';
import { RAW_DEMO } from './defaults.ts';
import { printRawSummary, rawSummaryRows } from './raw-summary.ts';
import { steps } from './steps.ts';
import { writeReport } from '../commands/report.ts';

export interface DemoOptions {
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

export async function runDemo(runtime: RuntimeFactory, csv: string | undefined, opts: DemoOptions): Promise<void> {
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
