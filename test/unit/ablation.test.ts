// The prequential ablation and the GBDT grid inside selection, on a small synthetic history with known signal.
import { beforeAll, describe, expect, it } from 'vitest';
import { tfReady } from '../../shared/model/tf-backend.ts';
import { silentLogger } from '../../shared/logger.ts';
import { RAW_FEATURES, RAW_FEATURES_V2, V2_GROUPS } from '../../shared/features/raw/spec.ts';
import { Random } from '../../shared/synth/random.ts';
import { ablationSets, prequentialAblation, selectColumns } from '../../functions/retrain/ablation.ts';
import { selectModel } from '../../functions/retrain/select.ts';
import type { Dataset } from '../../functions/retrain/dataset.ts';

const ROWS = 6000;
const SIGNAL = RAW_FEATURES_V2.names.indexOf(V2_GROUPS.ratios[0]);

/** v2-wide rows of noise, except the first ratio column, which separates the frauds (about 3% of rows). */
function history(): Dataset & { cards: Uint32Array } {
  const rnd = new Random(7);
  const width = RAW_FEATURES_V2.names.length;
  const features = new Float32Array(ROWS * width);
  const labels = new Uint8Array(ROWS);
  for (let r = 0; r < ROWS; r++) {
    labels[r] = rnd.next() < 0.03 ? 1 : 0;
    for (let j = 0; j < width; j++) features[r * width + j] = rnd.next();
    features[r * width + SIGNAL] = labels[r]! + 1.2 * rnd.next();
  }
  return {
    features,
    width,
    labels,
    time: Float64Array.from({ length: ROWS }, (_, i) => i * 60),
    rows: ROWS,
    spec: RAW_FEATURES_V2,
    cards: Uint32Array.from({ length: ROWS }, (_, i) => i % 500),
  };
}
const range = (a: number, b: number) => Uint32Array.from({ length: b - a }, (_, i) => a + i);
const folds = [
  { train: range(2000, 4000), test: range(4000, 6000) },
  { train: range(0, 2000), test: range(2000, 4000) },
];

beforeAll(async () => {
  await tfReady();
});

describe('prequential feature ablation', () => {
  it('lists v1, v2, and every v2 group added to v1 and removed from v2', () => {
    const sets = ablationSets();
    const groups = Object.keys(V2_GROUPS);
    expect(sets.map((s) => s.name)).toEqual([
      'v1',
      'v2',
      ...groups.map((g) => `v1 + ${g}`),
      ...groups.map((g) => `v2 - ${g}`),
    ]);
    expect(sets[0]!.names).toEqual(RAW_FEATURES.names);
    const minus = sets.find((s) => s.name === 'v2 - recency')!;
    expect(minus.names).toHaveLength(RAW_FEATURES_V2.names.length - V2_GROUPS.recency.length);
    expect(minus.names).not.toContain(V2_GROUPS.recency[0]);
  });

  it('selects columns by name, row by row', () => {
    const data = history();
    const sub = selectColumns(data, [V2_GROUPS.ratios[0], 'tx_amount']);
    expect(sub.width).toBe(2);
    expect(sub.features[2 * 5]).toBe(data.features[5 * data.width + SIGNAL]);
    expect(sub.features[2 * 5 + 1]).toBe(data.features[5 * data.width]);
    expect(() => selectColumns(data, ['no_such_column'])).toThrow(/no column no_such_column/);
  });

  it('shows the gain of the group that carries the signal and no change for v1 against itself', async () => {
    const rows = await prequentialAblation(
      history(),
      folds,
      ablationSets().filter((s) => ['v1', 'v1 + ratios', 'v2 - ratios'].includes(s.name)),
      { models: ['logistic-regression'], maxEpochs: 1, seed: 1 },
      silentLogger,
    );
    const of = (set: string) => rows.find((r) => r.set === set)!;
    expect(of('v1').deltaAuprc).toBe(0);
    expect(of('v1').folds).toBe(2);
    expect(of('v1 + ratios').deltaAuprc!).toBeGreaterThan(0.3);
    expect(of('v1 + ratios').cp100!.mean!).toBeGreaterThan(of('v1').cp100!.mean!);
    expect(Math.abs(of('v2 - ratios').deltaAuprc!)).toBeLessThan(0.1);
  }, 60_000);
});

describe('the GBDT grid inside prequential selection', () => {
  it('keeps the grid point with the best mean fold AP, its trees the mean of its best rounds, no early stop', async () => {
    const grid = [
      { name: 'stump', classWeighting: 'none' as const, params: { maxDepth: 1, maxLeaves: 2, rounds: 40 } },
      { name: 'deep', classWeighting: 'sqrt' as const, params: { maxDepth: 4, maxLeaves: 16, rounds: 40 } },
    ];
    const s = await selectModel(
      history(),
      folds,
      { models: ['gbdt'], maxEpochs: 1, seed: 1, gbdtGrid: grid },
      silentLogger,
    );
    expect(s.best).toBe('gbdt');
    expect(s.selection.candidates.map((c) => c.model)).toEqual(['gbdt stump', 'gbdt deep']);
    const aps = s.selection.candidates.map((c) => c.auprc.mean!);
    const won = grid[aps[1]! > aps[0]! ? 1 : 0]!;
    expect(s.gbdt!.name).toBe(won.name);
    expect(s.gbdt!.classWeighting).toBe(won.classWeighting);
    expect(s.gbdt!.params.earlyStoppingRounds).toBe(0);
    expect(s.gbdt!.params.rounds).toBeGreaterThanOrEqual(1);
    expect(s.gbdt!.params.rounds).toBeLessThanOrEqual(40);
    expect(s.candidates).toHaveLength(1);
    expect(s.candidates[0]!.detail).toMatch(new RegExp(`^gbdt ${won.name}: `));
    expect(s.candidates[0]!.epochs).toBe(s.gbdt!.params.rounds);
  }, 60_000);
});
