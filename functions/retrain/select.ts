// Model selection by prequential validation: every candidate (each GBDT grid point one) trained and scored on each
// earlier fold; the best mean AUPRC wins, and the kept GBDT's trees are the mean of its best rounds there.
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
import { GBDT_GRID, type GbdtCandidate } from './gbdt-grid.ts';

export interface SelectOptions {
  readonly models: readonly ModelKind[];
  readonly maxEpochs: number;
  readonly seed: number;
  /** The GBDT configurations tried on the folds (default GBDT_GRID); the best by mean AP stands for the family. */
  readonly gbdtGrid?: readonly GbdtCandidate[];
}

interface FoldScore {
  readonly auprc: number;
  readonly rocAuc: number;
  readonly cp100: number | null;
  readonly epochs: number;
  readonly detail?: string;
}

/** One candidate's figures over the folds: a family, or one GBDT grid point (`gbdt` with `config`). */
interface Candidate {
  readonly kind: ModelKind;
  readonly name: string;
  readonly config?: GbdtCandidate;
  readonly scores: FoldScore[];
}

export interface Selected {
  readonly best: ModelKind;
  /** The best epoch (or Newton iterations) of each kind on the newest fold: the final fit runs at most that long. */
  readonly epochs: ReadonlyMap<ModelKind, number>;
  /** The GBDT configuration the folds chose, its rounds fixed to the mean best round there (no early stop in the final fit). */
  readonly gbdt?: GbdtCandidate;
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

function candidatesOf(o: SelectOptions): Candidate[] {
  return o.models.flatMap((kind): Candidate[] =>
    kind === 'gbdt'
      ? (o.gbdtGrid ?? GBDT_GRID).map((config) => ({ kind, name: `gbdt ${config.name}`, config, scores: [] }))
      : [{ kind, name: kind, scores: [] }],
  );
}

function summaryOf(c: Candidate) {
  const s = c.scores;
  return {
    model: c.name,
    folds: s.length,
    auprc: stat(s.map((x) => x.auprc)),
    roc_auc: stat(s.map((x) => x.rocAuc)),
    ...(s[0]!.cp100 !== null ? { card_precision_at_100: stat(s.map((x) => x.cp100!)) } : {}),
  };
}

// eslint-disable-next-line max-lines-per-function -- the prequential selection loop: folds x candidates, their scores kept together
export async function selectModel(
  data: Dataset & { cards?: Uint32Array },
  folds: readonly RowSplit[],
  o: SelectOptions,
  logger: Logger,
): Promise<Selected> {
  if (o.models.length === 0)
    throw new FraudflowError(
      'INPUT_INVALID',
      'retrain: no model kind to train (expected logistic-regression, mlp and/or gbdt)',
    );
  const all = candidatesOf(o);
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
    for (const c of all) {
      const t = await trainModel(m.xTrain, m.yTrain, m.xTest, m.yTest, data.width, {
        kind: c.kind,
        maxEpochs: o.maxEpochs,
        seed: o.seed,
        ...(c.config ? { gbdt: c.config.params, classWeighting: c.config.classWeighting } : {}),
      });
      t.model.dispose();
      const s: FoldScore = {
        auprc: averagePrecision(t.validationScores, m.yTest),
        rocAuc: rocAuc(t.validationScores, m.yTest),
        cp100: cards ? cardPrecisionTopK({ ...cards, score: t.validationScores, label: m.yTest }, 100).mean : null,
        epochs: t.epochs,
        ...(t.detail ? { detail: t.detail } : {}),
      };
      c.scores.push(s);
      logger.info('retrain: candidate scored on a selection fold', {
        fold: f,
        model: c.name,
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
  const summary = all.map(summaryOf);
  const meanAp = (i: number) => summary[i]!.auprc.mean ?? -1;
  // Per family its best candidate (a GBDT grid point stands for the family), then the best family; first listed wins a tie.
  const bestOf = (kind: ModelKind) =>
    all.reduce((b, c, i) => (c.kind === kind && (b < 0 || meanAp(i) > meanAp(b)) ? i : b), -1);
  const families = o.models.map(bestOf);
  const bestAt = families.reduce((b, i) => (meanAp(i) > meanAp(b) ? i : b), families[0]!);
  const g = o.models.includes('gbdt') ? all[bestOf('gbdt')]! : undefined;
  return {
    best: all[bestAt]!.kind,
    epochs: new Map(families.map((i) => [all[i]!.kind, all[i]!.scores[0]!.epochs])),
    ...(g?.config ? { gbdt: withRounds(g.config, g.scores) } : {}),
    selection: { metric: 'auprc', folds: used, candidates: summary },
    candidates: families.map((i) => {
      const c = all[i]!;
      const first = c.scores[0]!;
      return {
        model: c.kind,
        auprc: summary[i]!.auprc.mean,
        epochs: c.config ? withRounds(c.config, c.scores).params.rounds! : first.epochs,
        detail: c.config ? `${c.name}: ${first.detail ?? ''}` : (first.detail ?? c.name),
      };
    }),
  };
}

/** The configuration with as many trees as its folds' best rounds on average (at least 1), grown without early stopping. */
function withRounds(config: GbdtCandidate, scores: readonly FoldScore[]): GbdtCandidate {
  const rounds = Math.max(1, Math.round(mean(scores.map((s) => s.epochs))));
  return { ...config, params: { ...config.params, rounds, earlyStoppingRounds: 0 } };
}
