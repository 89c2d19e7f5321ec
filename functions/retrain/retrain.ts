// The retrain core: history -> held-out split and prequential folds -> selection -> final fit -> held-out evaluation -> registry, champion only if better.
import type { Logger } from '../../shared/logger.ts';
import type { Warehouse } from '../../shared/warehouse/port.ts';
import type { ModelRegistry } from '../../shared/model/registry/port.ts';
import { predictScaled } from '../../shared/model/predict.ts';
import { scoreRaw, type AnyModel } from '../../shared/model/scorer.ts';
import { ForestModel } from '../../shared/model/gbdt/model.ts';
import { averagePrecision } from '../../shared/metrics/ranking.ts';
import type { ThresholdRule } from '../../shared/metrics/threshold.ts';
import type { ModelManifest } from '../../shared/schema/model-manifest.ts';
import { FraudflowError } from '../../shared/errors.ts';
import { labelledCounts, type Dataset } from './dataset.ts';
import type { DayWindows, RowSplit } from './split.ts';
import { trainModel, versionSuffix, type ModelKind } from './train.ts';
import { evaluate } from './evaluate.ts';
import { planSplits, type Plan } from './protocol.ts';
import { selectModel, type Selected } from './select.ts';
import { cardColumns, gatherLabels, gatherRows, matrices } from './matrix.ts';
import { decidePromotion, featuresWithin, leadingColumns, type Promotion, type PromotionInput } from './promotion.ts';
import { rawSpecOf, type RawFeatureVersion } from '../../shared/features/raw/spec.ts';
import { shadowGate } from './shadow-promotion.ts';
import { codeVersion } from './code-version.ts';
import { switchChampion } from '../../shared/model/champion.ts';
import type { ModelPublisher, PublishedModel } from '../../shared/model/port.ts';

export interface RetrainPorts {
  readonly warehouse: Warehouse;
  readonly registry: ModelRegistry;
  /** Where a new champion is published before the pointer moves (Vertex AI); null or absent: nowhere. */
  readonly publisher?: ModelPublisher | null;
  readonly logger: Logger;
  readonly now?: () => Date;
}

export interface RetrainOptions {
  readonly validationFraction: number;
  /** Seconds between training and validation; undefined: none for the Kaggle format, the 7-day label delay for raw. */
  readonly gapSeconds: number | undefined;
  /** Which history to learn from; undefined: the format with the more labelled rows. */
  readonly format?: 'kaggle' | 'raw';
  /** The Handbook's protocol: explicit day windows (train, delay, test) ending at `end`; undefined: the fraction split. */
  readonly windows?: DayWindows & { readonly end?: string };
  /** Earlier splits (shifted back by the test length) that select the model; windows only (the fraction split has 1). */
  readonly prequentialFolds?: number;
  /** The raw format's feature spec version (1, 2 or 3); undefined: DEFAULT_RAW_FEATURES_VERSION. */
  readonly features?: RawFeatureVersion;
  /** A validation window smaller than this (rows, frauds) is refused rather than judged. */
  readonly minValidationRows?: number;
  readonly minValidationFrauds?: number;
  readonly thresholdRule: ThresholdRule;
  /** The new model must beat the champion's validation AUPRC by at least this much. */
  readonly promotionMargin: number;
  /** FRAUDFLOW_PROMOTION=shadow:<n>d: a model that beats the champion waits as its shadow (functions/retrain/shadow-promotion.ts). */
  readonly shadowDays?: number;
  readonly models: readonly ModelKind[];
  readonly maxEpochs: number;
  readonly seed: number;
}

export const DEFAULT_MIN_VALIDATION = { rows: 1000, frauds: 5 } as const;

export interface RetrainResult {
  readonly version: string;
  readonly promoted: boolean;
  readonly reason: string;
  readonly champion_auprc_on_window: number | null;
  readonly manifest: ModelManifest;
  /** Where the new champion now serves, when it was published. */
  readonly published: PublishedModel | null;
  readonly elapsed_ms: number;
}

export async function retrain(ports: RetrainPorts, options: RetrainOptions): Promise<RetrainResult> {
  const started = performance.now();
  const now = (ports.now ?? (() => new Date()))();
  const counts = await labelledCounts(ports.warehouse);
  const format = options.format ?? (counts.raw > counts.kaggle ? 'raw' : 'kaggle');
  const plan = await planSplits(ports.warehouse, {
    format,
    validationFraction: options.validationFraction,
    gapSeconds: options.gapSeconds,
    ...(options.windows ? { windows: options.windows } : {}),
    folds: options.windows ? (options.prequentialFolds ?? 1) : 1,
    spec: rawSpecOf(options.features),
  });
  const minimum = {
    validation_rows: options.minValidationRows ?? DEFAULT_MIN_VALIDATION.rows,
    validation_frauds: options.minValidationFrauds ?? DEFAULT_MIN_VALIDATION.frauds,
  };
  const sizes = splitSizes(plan.data.labels, plan.heldOut);
  checkWindow(sizes, minimum);
  logSplit(ports.logger, format, plan, sizes);
  // Selection first: its fold matrices are gone before the final fit's are built (one training matrix at a time).
  const chosen = await selectModel(plan.data, plan.folds, options, ports.logger);
  const fitted = await fitFinal(plan, chosen, options);
  try {
    return await report(ports, options, { plan, chosen, fitted, sizes, minimum, now, started });
  } finally {
    fitted.final.model.dispose();
  }
}

interface SplitSizes {
  trainRows: number;
  validationRows: number;
  trainFrauds: number;
  valFrauds: number;
}

function splitSizes(labels: Uint8Array, split: RowSplit): SplitSizes {
  const fraudsOf = (rows: Uint32Array) => rows.reduce((s, i) => s + (labels[i] === 1 ? 1 : 0), 0);
  return {
    trainRows: split.train.length,
    validationRows: split.test.length,
    trainFrauds: fraudsOf(split.train),
    valFrauds: fraudsOf(split.test),
  };
}

function logSplit(logger: Logger, format: string, plan: Plan, s: SplitSizes): void {
  logger.info('retrain: data split by time', {
    format,
    mode: plan.split.mode,
    train_rows: s.trainRows,
    validation_rows: s.validationRows,
    train_frauds: s.trainFrauds,
    validation_frauds: s.valFrauds,
    selection_folds: plan.folds.length,
    gap_seconds: plan.gapSeconds,
  });
}

/** The chosen family fitted on the held-out split's training rows; fold 0's test rows (inside them) say when to stop. */
async function fitFinal(plan: Plan, chosen: Selected, options: RetrainOptions) {
  const { data, heldOut } = plan;
  const m = matrices(data, heldOut, [plan.folds[0]!.test]);
  const earlyStop = { x: m.extra[0]!, y: gatherLabels(data.labels, plan.folds[0]!.test) };
  const final = await trainModel(m.xTrain, m.yTrain, earlyStop.x, earlyStop.y, data.width, {
    kind: chosen.best,
    maxEpochs: Math.max(1, Math.min(options.maxEpochs, chosen.epochs.get(chosen.best) ?? options.maxEpochs)),
    seed: options.seed,
    // The GBDT the folds chose, with their mean best number of trees (fold 0's rows here are training rows).
    ...(chosen.best === 'gbdt' && chosen.gbdt
      ? { gbdt: chosen.gbdt.params, classWeighting: chosen.gbdt.classWeighting }
      : {}),
  });
  return { final, scaler: m.scaler, xTest: m.xTest, yTest: m.yTest };
}

interface Run {
  plan: Plan;
  chosen: Selected;
  fitted: Awaited<ReturnType<typeof fitFinal>>;
  sizes: SplitSizes;
  minimum: NonNullable<ModelManifest['data']['minimum']>;
  now: Date;
  started: number;
}

/** Scores the held-out window, decides the promotion against the champion there, saves and promotes. */
async function report(ports: RetrainPorts, options: RetrainOptions, run: Run): Promise<RetrainResult> {
  const { plan, chosen, fitted, now } = run;
  const scores = scoreScaled(fitted.final.model, fitted.xTest, plan.data.width);
  const ev = evaluate(scores, fitted.yTest, options.thresholdRule, cardColumns(plan.data, plan.heldOut.test));
  const auprc = averagePrecision(scores, fitted.yTest);
  ports.logger.info('retrain: model chosen by prequential selection, scored on the held-out window', {
    model: chosen.best,
    auprc,
    roc_auc: ev.metrics.roc_auc,
    card_precision_at_100: ev.metrics.card_precision_at_100 ?? null,
  });
  const version = `${now.toISOString().replace(/[-:]/g, '').replace(/\..*/, '')}-${versionSuffix(chosen.best)}`;
  const decided = decidePromotion({
    auprc,
    spec: plan.data.spec,
    margin: options.promotionMargin,
    champion: await rescoreChampion(ports.registry, plan.data, plan.heldOut.test, fitted.yTest),
    windowFrauds: run.sizes.valFrauds,
    minFrauds: run.minimum.validation_frauds,
  });
  const promotion = shadowGate(decided, options.shadowDays);
  const manifest = manifestOf(options, run, { version, ev, promotion });
  await ports.registry.save(manifest, fitted.final.model);
  log(ports.logger, version, promotion);
  const published = promotion.promoted
    ? (
        await switchChampion(
          { registry: ports.registry, publisher: ports.publisher ?? null, logger: ports.logger },
          { action: 'promote', version, reason: promotion.reason, at: now },
        )
      ).published
    : null;
  return {
    version,
    promoted: promotion.promoted,
    reason: promotion.reason,
    champion_auprc_on_window: promotion.champion?.auprc_on_window ?? null,
    manifest,
    published,
    elapsed_ms: Math.round(performance.now() - run.started),
  };
}

function manifestOf(
  options: RetrainOptions,
  run: Run,
  r: { version: string; ev: ReturnType<typeof evaluate>; promotion: Promotion },
): ModelManifest {
  const { plan, chosen, fitted, sizes } = run;
  const time = plan.data.time;
  const range = (rows: Uint32Array): [number, number] => [time[rows[0]!]!, time[rows[rows.length - 1]!]!];
  const final = fitted.final;
  return {
    version: r.version,
    created_at: run.now.toISOString(),
    model: chosen.best,
    feature_spec: plan.data.spec,
    scaler: fitted.scaler,
    threshold: r.ev.threshold,
    threshold_rule: { ...options.thresholdRule },
    threshold_reached: r.ev.thresholdReached,
    metrics: r.ev.metrics,
    candidates: chosen.candidates,
    data: {
      train_rows: sizes.trainRows,
      validation_rows: sizes.validationRows,
      train_frauds: sizes.trainFrauds,
      validation_frauds: sizes.valFrauds,
      train_range: range(plan.heldOut.train),
      validation_range: range(plan.heldOut.test),
      gap_seconds: plan.gapSeconds,
      split: plan.split,
      minimum: run.minimum,
    },
    selection: chosen.selection,
    ...(final.kind === 'gbdt' ? { gbdt: final.architecture } : {}),
    code_version: codeVersion(),
    seed: options.seed,
    promotion: r.promotion,
    curves: r.ev.curves,
  };
}

/** Fraud probabilities of rows already scaled by the run's scaler, whichever family the model is. */
function scoreScaled(model: AnyModel, scaled: Float32Array, width: number): Float32Array {
  return model instanceof ForestModel ? model.predictScaled(scaled) : predictScaled(model, scaled, width);
}

/** A window too small to judge a model is refused, not promoted on (one odd row must not decide a champion). */
function checkWindow(s: SplitSizes, min: { validation_rows: number; validation_frauds: number }): void {
  const details = {
    train_rows: s.trainRows,
    validation_rows: s.validationRows,
    train_frauds: s.trainFrauds,
    validation_frauds: s.valFrauds,
    min_validation_rows: min.validation_rows,
    min_validation_frauds: min.validation_frauds,
  };
  if (s.trainFrauds === 0)
    throw new FraudflowError(
      'INPUT_INVALID',
      `retrain: the training part holds no fraud (${s.trainRows} rows): more labelled history is needed`,
      details,
    );
  if (s.validationRows < min.validation_rows || s.valFrauds < min.validation_frauds)
    throw new FraudflowError(
      'INPUT_INVALID',
      `retrain: the validation window (${s.validationRows} rows, ${s.valFrauds} frauds) is too small to judge a model: ` +
        `at least ${min.validation_rows} rows and ${min.validation_frauds} frauds are needed ` +
        '(FRAUDFLOW_MIN_VALIDATION_ROWS / FRAUDFLOW_MIN_VALIDATION_FRAUDS); more labelled history, or a larger validation window',
      details,
    );
}

/** The champion's AUPRC on this run's held-out window, with its own scaler; AUPRCs from different windows do not compare. */
async function rescoreChampion(
  registry: ModelRegistry,
  data: Dataset,
  rows: Uint32Array,
  yVal: Uint8Array,
): Promise<PromotionInput['champion']> {
  const pointer = await registry.champion();
  if (!pointer) return null;
  const manifest = await registry.manifest(pointer.version);
  if (!featuresWithin(manifest.feature_spec, data.spec))
    return { version: pointer.version, spec: manifest.feature_spec, auprcOnWindow: null };
  const champ = await registry.loadAny(pointer.version);
  try {
    // A champion on a spec whose columns lead this one's (raw v1 within v2) scores the same rows' first columns.
    const raw = leadingColumns(
      gatherRows(data.features, data.width, rows),
      data.width,
      manifest.feature_spec.names.length,
    );
    return {
      version: pointer.version,
      spec: manifest.feature_spec,
      auprcOnWindow: averagePrecision(scoreRaw(champ.model, champ.manifest, raw), yVal),
    };
  } finally {
    champ.model.dispose();
  }
}

function log(logger: Logger, version: string, p: Promotion): void {
  const fields = {
    version,
    promoted: p.promoted,
    reason: p.reason,
    champion: p.champion?.version ?? null,
    champion_auprc_on_window: p.champion?.auprc_on_window ?? null,
    margin: p.margin,
  };
  if (p.promoted) logger.info('retrain: new champion', fields);
  else logger.info('retrain: kept as challenger', fields);
}
