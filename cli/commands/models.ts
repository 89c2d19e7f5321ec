// `fraudflow retrain | models | promote <version> | rollback`: training and the model registry for operators.
import type { Command } from 'commander';
import { retrainWith } from '../../functions/retrain/index.ts';
import type { RuntimeFactory } from '../main.ts';
import { table } from '../output.ts';

const r4 = (v: number | null | undefined) => (v === null || v === undefined ? '' : Number(v.toFixed(4)));

export function registerModels(program: Command, runtime: RuntimeFactory): void {
  program.command('retrain')
    .description('train on the labelled history (time-ordered split), evaluate, and promote only if better than the champion')
    .option('--models <list>', 'logistic-regression,mlp (default both; the better on validation AUPRC is kept)')
    .option('--json', 'print the result as JSON')
    .action(async (opts: { models?: string; json?: boolean }) => {
      const models = opts.models?.split(',').map((m) => m.trim()) as Array<'logistic-regression' | 'mlp'> | undefined;
      const r = await retrainWith(runtime(), models ? { models } : {});
      if (opts.json) return void process.stdout.write(JSON.stringify(r, null, 2) + '\n');
      const m = r.manifest;
      process.stdout.write(`${r.version}: ${m.model}, validation AUPRC ${r4(m.metrics.auprc)}, ROC AUC ${r4(m.metrics.roc_auc)}, ` +
        `threshold ${r4(m.threshold)} -> precision ${r4(m.metrics.precision)} recall ${r4(m.metrics.recall)}\n` +
        `${r.promoted ? 'promoted to champion' : 'kept as challenger'}: ${r.reason}\n`);
    });

  program.command('models')
    .description('list model versions with their validation metrics; * marks the champion')
    .option('--json', 'print as JSON')
    .action(async (opts: { json?: boolean }) => {
      const registry = runtime().models();
      const [list, champion] = await Promise.all([registry.list(), registry.champion()]);
      if (opts.json) return void process.stdout.write(JSON.stringify({ champion, versions: list }, null, 2) + '\n');
      process.stdout.write(table(list.map((m) => ({
        version: (m.version === champion?.version ? '* ' : '  ') + m.version, model: m.model, auprc: r4(m.metrics.auprc), roc_auc: r4(m.metrics.roc_auc),
        threshold: r4(m.threshold), precision: r4(m.metrics.precision), recall: r4(m.metrics.recall), train_rows: m.data.train_rows, validation_rows: m.data.validation_rows,
      }))) + '\n');
    });

  program.command('promote')
    .description('make a version the champion (the score function picks it up)')
    .argument('<version>')
    .option('--json', 'print the champion pointer as JSON')
    .action(async (version: string, opts: { json?: boolean }) => {
      const p = await runtime().models().promote(version, 'promoted by an operator');
      process.stdout.write(opts.json ? JSON.stringify(p, null, 2) + '\n' : `champion: ${p.version}\n`);
    });

  program.command('rollback')
    .description('make the previous champion the champion again')
    .option('--json', 'print the champion pointer as JSON')
    .action(async (opts: { json?: boolean }) => {
      const p = await runtime().models().rollback();
      process.stdout.write(opts.json ? JSON.stringify(p, null, 2) + '\n' : `champion: ${p.version}\n`);
    });
}
