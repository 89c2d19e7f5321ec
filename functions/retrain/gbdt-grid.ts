// The GBDT configurations retrain's prequential selection tries: a small grid, the best by mean fold AP kept.
import type { GbdtParams } from '../../shared/model/gbdt/boost.ts';

export interface GbdtCandidate {
  /** Short label for logs and the manifest's selection, e.g. `eta0.1 d6 l64 none`. */
  readonly name: string;
  /** How a fraud row is weighted: not at all, the square root of balanced, or balanced. */
  readonly classWeighting: 'none' | 'sqrt' | 'balanced';
  /** Over retrain's GBDT defaults (functions/retrain/train.ts, GBDT_TRAIN_DEFAULTS). */
  readonly params: Partial<GbdtParams>;
}

const candidate = (
  learningRate: number,
  maxDepth: number,
  maxLeaves: number,
  classWeighting: GbdtCandidate['classWeighting'],
  extra: Partial<GbdtParams> = {},
): GbdtCandidate => ({
  name: `eta${learningRate} d${maxDepth} l${maxLeaves} ${classWeighting}${Object.entries(extra)
    .map(([k, v]) => ` ${k}${v}`)
    .join('')}`,
  classWeighting,
  params: { learningRate, maxDepth, maxLeaves, rounds: 400, earlyStoppingRounds: 30, ...extra },
});

/** Retrain's GBDT as it was before the grid (GBDT_TRAIN_DEFAULTS, unweighted): the ablation's one GBDT. */
export const RETRAIN_GBDT: GbdtCandidate = { name: 'retrain default', classWeighting: 'none', params: {} };

/** Every configuration the grid experiment measured (bench/children/ablation.ts `grid`); GBDT_GRID is a subset. */
export const GBDT_WIDE_GRID: readonly GbdtCandidate[] = [
  candidate(0.1, 6, 64, 'none'),
  candidate(0.05, 6, 64, 'none'),
  candidate(0.05, 4, 16, 'none'),
  candidate(0.05, 3, 8, 'none'),
  candidate(0.05, 6, 64, 'sqrt'),
  candidate(0.05, 4, 16, 'sqrt'),
  candidate(0.05, 6, 64, 'none', { minChildWeight: 5, lambda: 5 }),
  candidate(0.05, 4, 16, 'none', { minChildWeight: 5, lambda: 5 }),
];

/**
 * Retrain's grid: its old default, a slower shallower one, and a weighted one; three points keep the selection's cost
 * at three GBDT fits a fold. Measured on the Handbook's prequential folds (README, "Quality on the Handbook protocol"):
 * the shallower one leads (AP 0.714 on v3) and none of eight more configurations beats it by more than 0.002.
 */
export const GBDT_GRID: readonly GbdtCandidate[] = [GBDT_WIDE_GRID[0]!, GBDT_WIDE_GRID[2]!, GBDT_WIDE_GRID[4]!];
