// Model selection by prequential validation: every candidate trained and scored on each earlier fold; the best mean AUPRC wins.
import type { Logger } from '../../shared/logger.ts';
import type { ModelManifest } from '../../shared/schema/model-manifest.ts';
import { averagePrecision, rocAuc } from '../../shared/metrics/ranking.ts';
import { cardPrecisionTopK } from '../../shared/metrics/card-precision.ts';
import { FraudflowError } from '../../shared/errors.ts';
import { trainModel, type ModelKind } from './train.ts';
import type { Dataset } from './dataset.ts';
import type { RowSplit } from './split.ts';
import { cardColumns, frauds, matrices } from './matrix.ts';
import { finite } from './evaluate.ts';

export interface SelectOptions {
  readonly models: readonly ModelKind[];
  readonly maxEpochs: number;
  readonly seed: number;
}

interface FoldScore {
  readonly auprc: number;
  readonly rocAuc: number;
  readonly cp100: number | null;
  readonly epochs: number;
  readonly detail?: string;
}

export interface Selected {
  readonly best: ModelKind;
  /** The best epoch (or Newton iterations) of each kind on the newest fold: the final fit runs at most that long. */
  readonly epochs: ReadonlyMap<ModelKind, number>;
  readonly selection: NonNullable<ModelManifest['selection']>;
  readonly candidates: ModelManifest['candidates'];
}

const mean = (v: number[]) => (v.length ? v.reduce((s, x) => s + x, 0) / v.length : Number.NaN);
/** Sample standard deviation (n - 1), as pandas' std that the Handbook reports; 0 for one fold. */
function sd(v: number[]): number {
  if (v.length < 2) return v.length ? 0 : Number.NaN;
  const m = mean(v);
  return Math.sqrt(v.reduce((s, x) => s + (x - m) ** 2, 0) / (v.length - 1));
}
const stat = (v: number[]) => ({ mean: finite(mean(v)), sd: finite(sd(v)) });

// eslint-disable-next-line max-lines-per-function -- the prequential selection loop: folds x models, their scores kept together
export async function selectModel(
  data: Dataset & { cards?: Uint32Array },
  folds: readonly RowSplit[],
  o: SelectOptions,
  logger: Logger,
): Promise<Selected> {
  if (o.models.length === 0)
    throw new FraudflowError(
      'INPUT_INVALID',
      'retrain: no model kind to train (expected logistic-regression and/or mlp)',
    );
  const scores = new Map<ModelKind, FoldScore[]>(o.models.map((k) => [k, []]));
  let used = 0;
  for (const [f, fold] of folds.entries()) {
    const m = matrices(data, fold);
    if (frauds(m.yTrain) === 0 || frauds(m.yTest) === 0) {
      logger.warn('retrain: selection fold skipped, no fraud on one side', {
        fold: f,
        train_rows: m.yTrain.length,
        test_rows: m.yTest.length,
      });
      continue;
    }
    used++;
    const cards = cardColumns(data, fold.test);
    for (const kind of o.models) {
      const t = await trainModel(m.xTrain, m.yTrain, m.xTest, m.yTest, data.width, {
        kind,
        maxEpochs: o.maxEpochs,
        seed: o.seed,
      });
      t.model.dispose();
      const s: FoldScore = {
        auprc: averagePrecision(t.validationScores, m.yTest),
        rocAuc: rocAuc(t.validationScores, m.yTest),
        cp100: cards ? cardPrecisionTopK({ ...cards, score: t.validationScores, label: m.yTest }, 100).mean : null,
        epochs: t.epochs,
        ...(t.detail ? { detail: t.detail } : {}),
      };
      scores.get(kind)!.push(s);
      logger.info('retrain: candidate scored on a selection fold', {
        fold: f,
        model: kind,
        auprc: s.auprc,
        roc_auc: s.rocAuc,
        card_precision_at_100: s.cp100,
      });
    }
  }
  if (used === 0)
    throw new FraudflowError(
      'INPUT_INVALID',
      `retrain: none of the ${folds.length} selection folds holds frauds on both sides: more labelled history is needed`,
    );
  const summary = o.models.map((kind) => {
    const s = scores.get(kind)!;
    return {
      model: kind,
      folds: s.length,
      auprc: stat(s.map((x) => x.auprc)),
      roc_auc: stat(s.map((x) => x.rocAuc)),
      ...(s[0]!.cp100 !== null ? { card_precision_at_100: stat(s.map((x) => x.cp100!)) } : {}),
    };
  });
  // The better mean AUPRC over the folds; the first listed wins a tie.
  const bestAt = summary.reduce((b, c, i) => ((c.auprc.mean ?? -1) > (summary[b]!.auprc.mean ?? -1) ? i : b), 0);
  return {
    best: o.models[bestAt]!,
    epochs: new Map(o.models.map((k) => [k, scores.get(k)![0]!.epochs])),
    selection: { metric: 'auprc', folds: used, candidates: summary },
    candidates: o.models.map((kind, i) => {
      const first = scores.get(kind)![0]!;
      return {
        model: kind,
        auprc: summary[i]!.auprc.mean,
        epochs: first.epochs,
        ...(first.detail ? { detail: first.detail } : {}),
      };
    }),
  };
}
