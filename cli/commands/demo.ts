// `fraudflow demo`: the whole pipeline on the embedded default, on raw transactions (default) or Kaggle-format rows.
import type { Command } from 'commander';
import type { RuntimeFactory } from '../main.ts';
import { positiveInt } from '../args.ts';
import { RAW_DEMO } from '../demo/defaults.ts';
import { KAGGLE_ROWS } from '../../shared/synth/kaggle-size.ts';
import type { DemoOptions } from '../demo/run.ts';

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
    .action(async (csv: string | undefined, opts: DemoOptions) =>
      (await import('../demo/run.ts')).runDemo(runtime, csv, opts),
    );
}
