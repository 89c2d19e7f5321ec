// Gradient boosting of trees on the log-loss: binning, rounds of grown trees, shrinkage, class weights, early stopping.
import { averagePrecision } from '../../metrics/ranking.ts';
import { Random } from '../../synth/random.ts';
import { applyBinning, fitBinning } from './binning.ts';
import { leafOf, type Forest, type Tree } from './forest.ts';
import { TreeGrower } from './grow.ts';

export interface GbdtParams {
  /** Boosting rounds at most (one tree each). */
  readonly rounds: number;
  readonly learningRate: number;
  readonly maxDepth: number;
  readonly maxLeaves: number;
  /** L2 penalty on leaf weights. */
  readonly lambda: number;
  readonly minChildWeight: number;
  /** Least gain (the 1/2-scaled loss reduction) a split must bring. */
  readonly minGain: number;
  /** Bins per feature, at most 256. */
  readonly maxBins: number;
  /** Rows the bin edges are computed from (a seeded sample when there are more). */
  readonly binSampleRows: number;
  /** Fraction of rows each tree is grown on (1: all). */
  readonly subsample: number;
  /** Weight of a fraud row in the loss (a legitimate row weighs 1), like XGBoost's scale_pos_weight. */
  readonly scalePosWeight: number;
  /** Rounds without a better validation metric before stopping; 0: never stop early. */
  readonly earlyStoppingRounds: number;
  readonly metric: 'logloss' | 'average-precision';
  readonly seed: number;
  /** Whether every round computes the training log-loss (one more pass over all rows with two transcendentals). */
  readonly trackTrainLoss: boolean;
}

export const GBDT_DEFAULTS: GbdtParams = {
  rounds: 300,
  learningRate: 0.1,
  maxDepth: 6,
  maxLeaves: 64,
  lambda: 1,
  minChildWeight: 1,
  minGain: 0,
  maxBins: 256,
  binSampleRows: 200_000,
  subsample: 1,
  scalePosWeight: 1,
  earlyStoppingRounds: 20,
  metric: 'average-precision',
  seed: 1,
  trackTrainLoss: false,
};

export interface Round {
  readonly round: number;
  /** Weighted mean log-loss on the training rows after this round (null unless trackTrainLoss). */
  readonly trainLoss: number | null;
  /** The validation metric after this round (log-loss: lower is better; average precision: higher). */
  readonly validation: number | null;
  readonly ms: number;
}

export interface Boosted {
  /** Trees up to the best validation round (all of them without validation). */
  readonly forest: Forest;
  readonly rounds: readonly Round[];
  /** 1-based; the forest keeps this many trees. */
  readonly bestRound: number;
  readonly bestValidation: number | null;
  /** Validation log-odds of the kept forest, row by row (empty without validation). */
  readonly validationMargins: Float64Array;
}

/**
 * `x`: rows of `width` floats, packed; `y`: 0/1 labels. With `validation`, the forest stops growing once the metric
 * has not improved for `earlyStoppingRounds` rounds and keeps the trees of the best round. Same inputs and seed, same forest.
 */
// eslint-disable-next-line max-lines-per-function -- the boosting rounds loop with early stopping over shared margins and buffers
export function trainGbdt(
  x: Float32Array,
  y: Uint8Array,
  width: number,
  options: Partial<GbdtParams> = {},
  validation?: { readonly x: Float32Array; readonly y: Uint8Array },
  onRound?: (r: Round) => void,
): Boosted {
  const p = { ...GBDT_DEFAULTS, ...options };
  const n = y.length;
  if (x.length !== n * width) throw new Error(`gbdt: ${x.length} values are not ${n} rows of ${width}`);
  const binning = fitBinning(x, width, { maxBins: p.maxBins, sampleRows: p.binSampleRows, seed: p.seed });
  const bins = applyBinning(binning, x);
  const grower = new TreeGrower(bins, binning, n, { ...p, maxLeaves: Math.max(1, p.maxLeaves) });
  const weight = (label: number) => (label === 1 ? p.scalePosWeight : 1);

  // The optimal constant: log-odds of the weighted fraud rate.
  let wPos = 0;
  let wAll = 0;
  for (let i = 0; i < n; i++) {
    wAll += weight(y[i]!);
    if (y[i] === 1) wPos += weight(1);
  }
  const rate = Math.min(1 - 1e-12, Math.max(1e-12, wPos / wAll));
  const baseMargin = Math.log(rate / (1 - rate));
  const margin = new Float64Array(n).fill(baseMargin);
  const gh = new Float64Array(2 * n);
  const idx = new Uint32Array(n);
  const rnd = new Random(p.seed ^ 0x5bd1e995);
  const nVal = validation?.y.length ?? 0;
  const valMargin = new Float64Array(nVal).fill(baseMargin);
  const best = { round: 0, metric: null as number | null, margins: valMargin.slice() };
  const trees: Tree[] = [];
  const rounds: Round[] = [];
  const better = (a: number, b: number | null) =>
    b === null || (p.metric === 'logloss' ? a < b : a > b) || (Number.isNaN(b) && !Number.isNaN(a));

  for (let round = 1; round <= p.rounds; round++) {
    const t0 = performance.now();
    for (let i = 0; i < n; i++) {
      const q = 1 / (1 + Math.exp(-margin[i]!));
      const w = weight(y[i]!);
      gh[2 * i] = w * (q - y[i]!);
      gh[2 * i + 1] = Math.max(w * q * (1 - q), 1e-16);
    }
    let count = 0;
    if (p.subsample >= 1) for (let i = 0; i < n; i++) idx[count++] = i;
    else for (let i = 0; i < n; i++) if (rnd.next() < p.subsample) idx[count++] = i;
    const tree = grower.grow(gh, idx, count, (value, start, end) => {
      for (let i = start; i < end; i++) margin[idx[i]!]! += value;
    });
    if (count < n) addToUnsampled(tree, x, width, margin, idx, count);
    trees.push(tree);
    let metric: number | null = null;
    if (validation) {
      for (let r = 0; r < nVal; r++) valMargin[r]! += tree.value[leafOf(tree, validation.x, r * width)]!;
      metric =
        p.metric === 'logloss' ? logLoss(valMargin, validation.y, () => 1) : averagePrecision(valMargin, validation.y);
    }
    const r = {
      round,
      trainLoss: p.trackTrainLoss ? logLoss(margin, y, weight) : null,
      validation: metric,
      ms: performance.now() - t0,
    };
    rounds.push(r);
    onRound?.(r);
    if (validation && better(metric!, best.metric)) {
      best.round = round;
      best.metric = metric;
      best.margins.set(valMargin);
    } else if (validation && p.earlyStoppingRounds > 0 && round - best.round >= p.earlyStoppingRounds) break;
  }
  const keep = validation ? best.round : trees.length;
  return {
    forest: { width, baseMargin, trees: trees.slice(0, keep) },
    rounds,
    bestRound: keep,
    bestValidation: best.metric,
    validationMargins: validation ? best.margins : new Float64Array(0),
  };
}

/** Rows left out of a subsampled tree still move by its output (they are not in idx[0..count)). */
function addToUnsampled(
  tree: Tree,
  x: Float32Array,
  width: number,
  margin: Float64Array,
  idx: Uint32Array,
  count: number,
): void {
  const inTree = new Uint8Array(margin.length);
  for (let i = 0; i < count; i++) inTree[idx[i]!] = 1;
  for (let r = 0; r < margin.length; r++) if (!inTree[r]) margin[r]! += tree.value[leafOf(tree, x, r * width)]!;
}

/** Weighted mean log-loss of log-odds `m` against labels `y`. */
export function logLoss(m: Float64Array, y: Uint8Array, weight: (label: number) => number): number {
  let loss = 0;
  let total = 0;
  for (let i = 0; i < m.length; i++) {
    const w = weight(y[i]!);
    // log(1 + e^-m) for a fraud, log(1 + e^m) otherwise, computed without overflow.
    const z = y[i] === 1 ? -m[i]! : m[i]!;
    loss += w * (z > 0 ? z + Math.log1p(Math.exp(-z)) : Math.log1p(Math.exp(z)));
    total += w;
  }
  return loss / total;
}
