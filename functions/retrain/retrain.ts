// The retrain core: labelled history -> time split -> scaler -> candidates -> evaluation -> registry, champion only if better.
import { execFileSync } from 'node:child_process';
import type { Logger } from '../../shared/logger.ts';
import type { Warehouse } from '../../shared/warehouse/port.ts';
import type { ModelRegistry } from '../../shared/model/registry.ts';
import { fitScaler, applyScaler } from '../../shared/model/scaler.ts';
import { predictScaled, scaleRows } from '../../shared/model/predict.ts';
import { averagePrecision, curves, rocAuc } from '../../shared/metrics/ranking.ts';
import { histogram } from '../../shared/metrics/histogram.ts';
import { atThreshold, chooseThreshold, type ThresholdRule } from '../../shared/metrics/threshold.ts';
import type { ModelManifest } from '../../shared/schema/model-manifest.ts';
import { labelledCounts, loadKaggleHistory, loadRawHistory } from './dataset.ts';
import { cardPrecisionAtK } from '../../shared/metrics/card-precision.ts';
import { timeSplit } from './split.ts';
import { trainModel, type ModelKind, type Trained } from './train.ts';

export interface RetrainPorts {
  readonly warehouse: Warehouse;
  readonly registry: ModelRegistry;
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
  readonly elapsed_ms: number;
}

export async function retrain(ports: RetrainPorts, options: RetrainOptions): Promise<RetrainResult> {
  const started = performance.now();
  const now = (ports.now ?? (() => new Date()))();
  const counts = await labelledCounts(ports.warehouse);
  const format = options.format ?? (counts.raw > counts.kaggle ? 'raw' : 'kaggle');
  const data = format === 'raw' ? await loadRawHistory(ports.warehouse) : await loadKaggleHistory(ports.warehouse);
  const gapSeconds = options.gapSeconds ?? (format === 'raw' ? 7 * 86_400 : 0);
  const split = timeSplit(data.time, { validationFraction: options.validationFraction, gapSeconds });
  const w = data.width;
  const scaler = fitScaler(data.features, w, split.train);
  const xTrain = applyScaler(data.features, w, split.train, scaler);
  const xVal = applyScaler(data.features, w, split.validation, scaler);
  const yTrain = data.labels.subarray(...split.train);
  const yVal = data.labels.subarray(...split.validation);

  const candidates: Trained[] = [];
  for (const kind of options.models) {
    const t = await trainModel(xTrain, yTrain, xVal, yVal, w, {
      kind, maxEpochs: options.maxEpochs, patience: 2, batchSize: 2048, learningRate: kind === 'mlp' ? 0.003 : 0.01, seed: options.seed,
    });
    ports.logger.info('retrain: candidate trained', { model: kind, auprc: t.auprc, epochs: t.epochs });
    candidates.push(t);
  }
  const best = candidates.reduce((a, b) => (b.auprc > a.auprc ? b : a));
  const threshold = chooseThreshold(best.validationScores, yVal, options.thresholdRule);
  const at = atThreshold(best.validationScores, yVal, threshold);
  const version = `${now.toISOString().replace(/[-:]/g, '').replace(/\..*/, '')}-${best.kind === 'mlp' ? 'mlp' : 'lr'}`;
  const count = (a: Uint8Array) => a.reduce((s, v) => s + v, 0);
  const manifest: ModelManifest = {
    version, created_at: now.toISOString(), model: best.kind, feature_spec: data.spec, scaler,
    threshold, threshold_rule: { ...options.thresholdRule },
    metrics: {
      auprc: finite(best.auprc), roc_auc: finite(rocAuc(best.validationScores, yVal)), precision: at.precision, recall: at.recall, f1: at.f1, tp: at.tp, fp: at.fp, tn: at.tn, fn: at.fn,
      ...('customers' in data ? { card_precision_at_100: finite(cardPrecisionAtK(Array.from(yVal, (label, i) => {
        const row = split.validation[0] + i;
        return { day: new Date(data.time[row]! * 1000).toISOString().slice(0, 10), card: (data as { customers: string[] }).customers[row]!, score: best.validationScores[i]!, label };
      }), 100).mean) } : {}),
    },
    candidates: candidates.map((c) => ({ model: c.kind, auprc: finite(c.auprc), epochs: c.epochs })),
    data: {
      train_rows: yTrain.length, validation_rows: yVal.length, train_frauds: count(yTrain), validation_frauds: count(yVal),
      train_range: [data.time[split.train[0]]!, data.time[split.train[1] - 1]!], validation_range: [data.time[split.validation[0]]!, data.time[split.validation[1] - 1]!],
      gap_seconds: gapSeconds,
    },
    code_version: codeVersion(), seed: options.seed,
    curves: reportCurves(best.validationScores, yVal),
  };
  await ports.registry.save(manifest, best.model);

  // The champion is re-scored on this same validation window: AUPRCs from different windows do not compare.
  const current = await ports.registry.champion();
  let championAuprc: number | null = null;
  let promoted: boolean;
  let reason: string;
  if (!current) {
    promoted = true;
    reason = 'no champion yet';
  } else {
    const champ = await ports.registry.load(current.version);
    const raw = data.features.subarray(split.validation[0] * w, split.validation[1] * w);
    championAuprc = averagePrecision(predictScaled(champ.model, scaleRows(raw, w, champ.manifest.scaler), w), yVal);
    champ.model.dispose();
    promoted = best.auprc >= championAuprc + options.promotionMargin;
    reason = promoted
      ? `AUPRC ${best.auprc.toFixed(4)} beats champion ${current.version} (${championAuprc.toFixed(4)}) by >= ${options.promotionMargin}`
      : `AUPRC ${best.auprc.toFixed(4)} does not beat champion ${current.version} (${championAuprc.toFixed(4)}) by ${options.promotionMargin}: kept as challenger`;
  }
  if (promoted) await ports.registry.promote(version, reason);
  candidates.forEach((c) => c.model.dispose());
  ports.logger.info('retrain done', { version, promoted, reason });
  return { version, promoted, reason, champion_auprc_on_window: championAuprc === null ? null : finite(championAuprc), manifest, elapsed_ms: Math.round(performance.now() - started) };
}

function reportCurves(scores: Float32Array, labels: Uint8Array): NonNullable<ModelManifest['curves']> {
  const c = curves(scores, labels, 150);
  const fraud = scores.filter((_, i) => labels[i] === 1);
  const genuine = scores.filter((_, i) => labels[i] !== 1);
  const hf = histogram(fraud, 20);
  return {
    pr: c.pr.map((p) => ({ recall: p.recall, precision: p.precision })),
    roc: c.roc.map((p) => ({ fpr: p.fpr, tpr: p.tpr })),
    histogram: { edges: hf.edges, fraud: hf.counts, genuine: histogram(genuine, 20).counts },
  };
}

function finite(v: number): number | null {
  return Number.isFinite(v) ? v : null;
}

function codeVersion(): string {
  try {
    return execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: import.meta.dirname, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return process.env.npm_package_version ?? 'unknown';
  }
}
