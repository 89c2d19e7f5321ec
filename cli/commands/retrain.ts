// `fraudflow retrain`: train on the labelled history, evaluate on the most recent window, promote only if better.
/* eslint-disable max-lines-per-function -- the command's options and their mapping onto the retrain request read together, as --help lists them */
import { type Command, InvalidArgumentError } from 'commander';
import type { RetrainOptions } from '../../functions/retrain/retrain.ts';
import type { ModelKind } from '../../functions/retrain/train.ts';
import { positiveInt } from '../args.ts';
import type { RuntimeFactory } from '../main.ts';
import { RAW_FEATURE_VERSIONS, rawVersionOf } from '../../shared/features/raw/spec.ts';

const MODEL_NAMES: Record<string, ModelKind> = {
  'logistic-regression': 'logistic-regression',
  lr: 'logistic-regression',
  mlp: 'mlp',
  gbdt: 'gbdt',
};

function modelList(text: string): ModelKind[] {
  const names = text
    .split(',')
    .map((m) => m.trim())
    .filter(Boolean);
  const bad = names.filter((m) => !(m in MODEL_NAMES));
  if (names.length === 0 || bad.length)
    throw new InvalidArgumentError(
      `expected a comma-separated list of logistic-regression (lr), mlp and gbdt, got "${text}"`,
    );
  return [...new Set(names.map((m) => MODEL_NAMES[m]!))];
}

function nonNegativeInt(text: string): number {
  const n = Number(text);
  if (!/^\d+$/.test(text)) throw new InvalidArgumentError(`expected a whole number of days, got "${text}"`);
  return n;
}

function dateOf(text: string): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (!m || new Date(`${text}T00:00:00Z`).toISOString().slice(0, 10) !== text)
    throw new InvalidArgumentError(`expected a date like 2018-08-14, got "${text}"`);
  return text;
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
      'logistic-regression (lr), mlp, gbdt; default all three, the best by prequential AUPRC is kept',
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
    .option('--train-days <n>', "the Handbook's protocol: days of training (default FRAUDFLOW_TRAIN_DAYS)", positiveInt)
    .option('--delay-days <n>', 'days between training and test, labels still to come (default 7)', nonNegativeInt)
    .option('--test-days <n>', 'days of test (validation) window (default 7)', positiveInt)
    .option('--end <date>', "the test window's last day, inclusive, UTC (default: the newest labelled day)", dateOf)
    .option(
      '--prequential-folds <n>',
      'earlier splits that select the model (default FRAUDFLOW_PREQUENTIAL_FOLDS)',
      positiveInt,
    )
    .option(
      '--features <version>',
      'raw feature spec: v1, v2 or v3 (default FRAUDFLOW_FEATURES, else the default by prequential AP)',
    )
    .option('--json', 'print the result as JSON')
    .action(
      async (opts: {
        models?: RetrainOptions['models'];
        format?: string;
        maxEpochs?: number;
        seed?: number;
        trainDays?: number;
        delayDays?: number;
        testDays?: number;
        end?: string;
        prequentialFolds?: number;
        features?: string;
        json?: boolean;
      }) => {
        const rt = runtime();
        const configured = rt.config.retrain.windows;
        const asked = [opts.trainDays, opts.delayDays, opts.testDays, opts.end].some((v) => v !== undefined);
        const end = opts.end ?? configured?.end;
        const windows: RetrainOptions['windows'] = asked
          ? {
              trainDays: opts.trainDays ?? configured?.trainDays ?? 7,
              delayDays: opts.delayDays ?? configured?.delayDays ?? 7,
              testDays: opts.testDays ?? configured?.testDays ?? 7,
              ...(end ? { end } : {}),
            }
          : undefined;
        const features = RAW_FEATURE_VERSIONS.find((v) => v === opts.features);
        if (opts.features !== undefined && features === undefined)
          throw new InvalidArgumentError(`--features: expected v1, v2 or v3, got "${opts.features}"`);
        if (opts.format !== undefined && opts.format !== 'kaggle' && opts.format !== 'raw')
          throw new InvalidArgumentError(`--format: expected kaggle or raw, got "${opts.format}"`);
        const { retrainWith } = await import('../../functions/retrain/index.ts');
        const r = await retrainWith(rt, {
          ...(windows ? { windows } : {}),
          ...(opts.prequentialFolds ? { prequentialFolds: opts.prequentialFolds } : {}),
          ...(opts.models ? { models: opts.models } : {}),
          ...(opts.format ? { format: opts.format } : {}),
          ...(opts.maxEpochs ? { maxEpochs: opts.maxEpochs } : {}),
          ...(opts.seed !== undefined ? { seed: opts.seed } : {}),
          ...(features ? { features: rawVersionOf(features) } : {}),
        });
        if (opts.json) return void process.stdout.write(JSON.stringify(r, null, 2) + '\n');
        const m = r.manifest;
        const split = m.data.split;
        if (split?.mode === 'windows')
          process.stdout.write(
            `windows: train ${split.train_window!.join('..')}, delay ${split.delay_window!.join('..')}, test ${split.test_window!.join('..')} ` +
              `(${split.known_compromised_removed} test rows of known-compromised cards removed)\n`,
          );
        for (const c of m.selection?.candidates ?? [])
          process.stdout.write(
            `  selection over ${c.folds} fold(s): ${c.model} AUPRC ${r4(c.auprc.mean)} ± ${r4(c.auprc.sd)}, ROC AUC ${r4(c.roc_auc.mean)} ± ${r4(c.roc_auc.sd)}` +
              (c.card_precision_at_100
                ? `, CP@100 ${r4(c.card_precision_at_100.mean)} ± ${r4(c.card_precision_at_100.sd)}`
                : '') +
              '\n',
          );
        process.stdout.write(
          `${r.version}: ${m.model} on ${m.data.train_rows} rows (${m.data.train_frauds} frauds), held-out test on ${m.data.validation_rows} later rows (${m.data.validation_frauds} frauds)\n` +
            `  held-out AUPRC ${r4(m.metrics.auprc)}, ROC AUC ${r4(m.metrics.roc_auc)}` +
            (m.metrics.card_precision_at_100 !== undefined
              ? `, card precision@100 (Handbook) ${r4(m.metrics.card_precision_at_100)}`
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
