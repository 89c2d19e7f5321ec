// The retrain core: labelled history -> time split -> scaler -> candidates -> evaluation -> registry, champion only if better.
import type { Logger } from '../../shared/logger.ts';
import type { Warehouse } from '../../shared/warehouse/port.ts';
import type { ModelRegistry } from '../../shared/model/registry.ts';
import { fitScaler, applyScaler } from '../../shared/model/scaler.ts';
import { predictScaled, scaleRows } from '../../shared/model/predict.ts';
import { averagePrecision } from '../../shared/metrics/ranking.ts';
import type { ThresholdRule } from '../../shared/metrics/threshold.ts';
import type { ModelManifest } from '../../shared/schema/model-manifest.ts';
import { FraudflowError } from '../../shared/errors.ts';
import { labelledCounts, loadKaggleHistory, loadRawHistory, type Dataset } from './dataset.ts';
import { defaultGapSeconds, timeSplit, type Split } from './split.ts';
import { trainModel, type ModelKind, type Trained } from './train.ts';
import { evaluate, finite } from './evaluate.ts';
import { decidePromotion, sameFeatures, type Promotion, type PromotionInput } from './promotion.ts';
import { codeVersion } from './code-version.ts';
import { switchChampion } from './champion.ts';
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
  readonly thresholdRule: ThresholdRule;
  /** The new model must beat the champion's validation AUPRC by at least this much. */
  readonly promotionMargin: number;
  readonly models: readonly ModelKind[];
  readonly maxEpochs: number;
  readonly seed: number;
}

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
  const data = format === 'raw' ? await loadRawHistory(ports.warehouse) : await loadKaggleHistory(ports.warehouse);
  const gapSeconds = options.gapSeconds ?? defaultGapSeconds(format);
  const split = timeSplit(data.time, { validationFraction: options.validationFraction, gapSeconds });
  const sets = prepare(data, split);
  ports.logger.info('retrain: data split by time', {
    format,
    train_rows: sets.yTrain.length,
    validation_rows: sets.yVal.length,
    train_frauds: sets.trainFrauds,
    validation_frauds: sets.valFrauds,
    gap_seconds: gapSeconds,
  });

  const candidates: Trained[] = [];
  try {
    for (const kind of options.models) {
      const t = await trainModel(sets.xTrain, sets.yTrain, sets.xVal, sets.yVal, data.width, {
        kind,
        maxEpochs: options.maxEpochs,
        seed: options.seed,
      });
      ports.logger.info('retrain: candidate trained', {
        model: kind,
        auprc: t.auprc,
        best_epoch: t.epochs,
        epochs_run: t.epochsRun,
      });
      candidates.push(t);
    }
    if (candidates.length === 0)
      throw new FraudflowError(
        'INPUT_INVALID',
        'retrain: no model kind to train (expected logistic-regression and/or mlp)',
      );
    // The better candidate on validation AUPRC; the first listed wins a tie.
    const best = candidates.reduce((a, b) => (b.auprc > a.auprc ? b : a));
    const cards =
      'customers' in data
        ? Array.from(sets.yVal, (_, i) => ({
            day: new Date(data.time[split.validation[0] + i]! * 1000).toISOString().slice(0, 10),
            card: (data as { customers: string[] }).customers[split.validation[0] + i]!,
          }))
        : undefined;
    const ev = evaluate(best.validationScores, sets.yVal, options.thresholdRule, cards);
    const version = `${now.toISOString().replace(/[-:]/g, '').replace(/\..*/, '')}-${best.kind === 'mlp' ? 'mlp' : 'lr'}`;
    const promotion = decidePromotion({
      auprc: best.auprc,
      spec: data.spec,
      margin: options.promotionMargin,
      champion: await rescoreChampion(ports.registry, data, split, sets.yVal),
    });
    const manifest: ModelManifest = {
      version,
      created_at: now.toISOString(),
      model: best.kind,
      feature_spec: data.spec,
      scaler: sets.scaler,
      threshold: ev.threshold,
      threshold_rule: { ...options.thresholdRule },
      threshold_reached: ev.thresholdReached,
      metrics: ev.metrics,
      candidates: candidates.map((c) => ({
        model: c.kind,
        auprc: finite(c.auprc),
        epochs: c.epochs,
        ...(c.detail ? { detail: c.detail } : {}),
      })),
      data: {
        train_rows: sets.yTrain.length,
        validation_rows: sets.yVal.length,
        train_frauds: sets.trainFrauds,
        validation_frauds: sets.valFrauds,
        train_range: [data.time[split.train[0]]!, data.time[split.train[1] - 1]!],
        validation_range: [data.time[split.validation[0]]!, data.time[split.validation[1] - 1]!],
        gap_seconds: gapSeconds,
      },
      code_version: codeVersion(),
      seed: options.seed,
      promotion,
      curves: ev.curves,
    };
    await ports.registry.save(manifest, best.model);
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
      elapsed_ms: Math.round(performance.now() - started),
    };
  } finally {
    candidates.forEach((c) => c.model.dispose());
  }
}

/** Standardised train and validation matrices (statistics from the training rows only), and their fraud counts. */
function prepare(data: Dataset, split: Split) {
  const w = data.width;
  const scaler = fitScaler(data.features, w, split.train);
  const yTrain = data.labels.subarray(...split.train);
  const yVal = data.labels.subarray(...split.validation);
  const count = (a: Uint8Array) => a.reduce((s, v) => s + v, 0);
  const trainFrauds = count(yTrain);
  const valFrauds = count(yVal);
  if (trainFrauds === 0 || valFrauds === 0) {
    throw new FraudflowError(
      'INPUT_INVALID',
      `retrain: the ${trainFrauds === 0 ? 'training part' : 'validation window'} holds no fraud ` +
        `(${yTrain.length} training rows, ${yVal.length} validation rows): more labelled history is needed, or a larger FRAUDFLOW_VALIDATION_FRACTION`,
      {
        train_rows: yTrain.length,
        validation_rows: yVal.length,
        train_frauds: trainFrauds,
        validation_frauds: valFrauds,
      },
    );
  }
  return {
    scaler,
    yTrain,
    yVal,
    trainFrauds,
    valFrauds,
    xTrain: applyScaler(data.features, w, split.train, scaler),
    xVal: applyScaler(data.features, w, split.validation, scaler),
  };
}

/** The champion's AUPRC on this run's validation window, with its own scaler; AUPRCs from different windows do not compare. */
async function rescoreChampion(
  registry: ModelRegistry,
  data: Dataset,
  split: Split,
  yVal: Uint8Array,
): Promise<PromotionInput['champion']> {
  const pointer = await registry.champion();
  if (!pointer) return null;
  const manifest = await registry.manifest(pointer.version);
  if (!sameFeatures(manifest.feature_spec, data.spec))
    return { version: pointer.version, spec: manifest.feature_spec, auprcOnWindow: null };
  const champ = await registry.load(pointer.version);
  try {
    const w = data.width;
    const raw = data.features.subarray(split.validation[0] * w, split.validation[1] * w);
    return {
      version: pointer.version,
      spec: manifest.feature_spec,
      auprcOnWindow: averagePrecision(predictScaled(champ.model, scaleRows(raw, w, champ.manifest.scaler), w), yVal),
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
