// `fraudflow models compare <a> <b> [--days N]`: two versions on matured live traffic (champion and shadow verdicts).
import type { Command } from 'commander';
import type { RuntimeFactory } from '../main.ts';
import { table } from '../output.ts';
import { positiveInt } from '../args.ts';
import type { LiveComparison, LiveFigures } from '../../shared/live/compare.ts';
import { DELAY_DAYS } from '../../shared/features/raw/spec.ts';

const r4 = (v: number | null) => (v === null ? '' : Number(v.toFixed(4)));

export function comparisonRows(c: LiveComparison): Array<Record<string, string | number>> {
  return [c.a, c.b].map((f: LiveFigures) => ({
    version: f.version,
    transactions: f.transactions,
    labelled: f.labelled,
    frauds: f.frauds,
    ap: r4(f.ap),
    roc_auc: r4(f.roc_auc),
    [`cp@${f.k}`]: r4(f.card_precision_at_k),
    threshold: r4(f.threshold),
    alerts: f.alerts,
    precision_at_threshold: r4(f.precision_at_threshold),
  }));
}

export function registerModelsCompare(models: Command, runtime: RuntimeFactory): void {
  models
    .command('compare')
    .description(
      'AP, ROC AUC and Card Precision@k of two versions on the live traffic both scored (champion or shadow), once its labels have matured',
    )
    .argument('<a>', 'a model version (e.g. the champion)')
    .argument('<b>', 'another version (e.g. the shadow challenger)')
    .option('--days <n>', 'days of matured traffic, ending the label delay before now', positiveInt, 7)
    .option('--delay <n>', 'the label delay in days', positiveInt, DELAY_DAYS)
    .option('--k <n>', 'cards per day for Card Precision@k', positiveInt, 100)
    .option('--json', 'print as JSON')
    // `--json` after the subcommand is also `models --json`: commander hands it to the parent, so read both.
    .action(async (a: string, b: string, opts: { days: number; delay: number; k: number }, cmd: Command) => {
      const json = Boolean((cmd.optsWithGlobals() as { json?: boolean }).json);
      const rt = runtime();
      const { compareLive, maturedWindow } = await import('../../shared/live/compare.ts');
      const c = await compareLive(await rt.warehouse(), a, b, maturedWindow(new Date(), opts.days, opts.delay), opts.k);
      if (json) return void process.stdout.write(JSON.stringify({ window: c.window, a: c.a, b: c.b }, null, 2) + '\n');
      process.stdout.write(
        `live traffic from ${c.window.from} to ${c.window.to} (labels matured ${opts.delay} days)\n`,
      );
      process.stdout.write(table(comparisonRows(c)) + '\n');
    });
}
