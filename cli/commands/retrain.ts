// `fraudflow retrain`: train on the labelled history, evaluate on the most recent window, promote only if better.
import { type Command, InvalidArgumentError } from 'commander';
import { retrainWith } from '../../functions/retrain/index.ts';
import type { RetrainOptions } from '../../functions/retrain/retrain.ts';
import type { RuntimeFactory } from '../main.ts';

const MODEL_NAMES: Record<string, 'logistic-regression' | 'mlp'> = {
  'logistic-regression': 'logistic-regression',
  lr: 'logistic-regression',
  mlp: 'mlp',
};

function modelList(text: string): Array<'logistic-regression' | 'mlp'> {
  const names = text
    .split(',')
    .map((m) => m.trim())
    .filter(Boolean);
  const bad = names.filter((m) => !(m in MODEL_NAMES));
  if (names.length === 0 || bad.length)
    throw new InvalidArgumentError(
      `expected a comma-separated list of logistic-regression (lr) and mlp, got "${text}"`,
    );
  return [...new Set(names.map((m) => MODEL_NAMES[m]!))];
}

function positiveInt(text: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError(`expected a positive integer, got "${text}"`);
  return n;
}

function seedOf(text: string): number {
  const n = Number(text);
  if (!/^\d+$/.test(text) || n > 2 ** 31)
    throw new InvalidArgumentError(`expected an integer from 0 to 2^31, got "${text}"`);
  return n;
}

const r4 = (v: number | null | undefined) => (v === null || v === undefined ? 'n/a' : v.toFixed(4));

export function registerRetrain(program: Command, runtime: RuntimeFactory): void {
  program
    .command('retrain')
    .description(
      'train on the labelled history (time-ordered split), evaluate, and promote only if better than the champion',
    )
    .option(
      '--models <list>',
      'logistic-regression (lr), mlp; default both, the better on validation AUPRC is kept',
      modelList,
    )
    .option(
      '--format <format>',
      'kaggle or raw (default: FRAUDFLOW_TRAIN_FORMAT, else the format with more labelled rows)',
    )
    .option(
      '--max-epochs <n>',
      'epochs at most (default FRAUDFLOW_MAX_EPOCHS); early stopping on validation AUPRC',
      positiveInt,
    )
    .option('--seed <n>', 'seed of the initial weights and the shuffles (default FRAUDFLOW_SEED)', seedOf)
    .option('--json', 'print the result as JSON')
    .action(
      async (opts: {
        models?: RetrainOptions['models'];
        format?: string;
        maxEpochs?: number;
        seed?: number;
        json?: boolean;
      }) => {
        if (opts.format !== undefined && opts.format !== 'kaggle' && opts.format !== 'raw')
          throw new InvalidArgumentError(`--format: expected kaggle or raw, got "${opts.format}"`);
        const r = await retrainWith(runtime(), {
          ...(opts.models ? { models: opts.models } : {}),
          ...(opts.format ? { format: opts.format } : {}),
          ...(opts.maxEpochs ? { maxEpochs: opts.maxEpochs } : {}),
          ...(opts.seed !== undefined ? { seed: opts.seed } : {}),
        });
        if (opts.json) return void process.stdout.write(JSON.stringify(r, null, 2) + '\n');
        const m = r.manifest;
        process.stdout.write(
          `${r.version}: ${m.model} on ${m.data.train_rows} rows (${m.data.train_frauds} frauds), validated on ${m.data.validation_rows} later rows (${m.data.validation_frauds} frauds)\n` +
            `  validation AUPRC ${r4(m.metrics.auprc)}, ROC AUC ${r4(m.metrics.roc_auc)}` +
            (m.metrics.card_precision_at_100 !== undefined
              ? `, card precision@100 ${r4(m.metrics.card_precision_at_100)}`
              : '') +
            '\n' +
            `  threshold ${m.threshold.toPrecision(4)} (${ruleText(m.threshold_rule)}${m.threshold_reached === false ? ', target not reached: most precise threshold taken' : ''}) -> ` +
            `precision ${r4(m.metrics.precision)} recall ${r4(m.metrics.recall)}\n` +
            `  ${r.promoted ? 'promoted to champion' : 'kept as challenger'}: ${r.reason}\n`,
        );
      },
    );
}

function ruleText(rule: RetrainOptions['thresholdRule']): string {
  return rule.kind === 'target-precision'
    ? `precision >= ${rule.precision}`
    : `min cost, missed fraud ${rule.missedFraudCost}, false alarm ${rule.falseAlarmCost}`;
}
