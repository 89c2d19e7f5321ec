// The GBDT's split search and first tree reproduce second-order gains and leaf weights computed by hand.
import { describe, expect, it } from 'vitest';
import { applyBinning, binOf, fitBinning } from '../../shared/model/gbdt/binning.ts';
import { buildHistogram, newHistogram, subtractHistogram } from '../../shared/model/gbdt/histogram.ts';
import { bestSplit, splitGain } from '../../shared/model/gbdt/split.ts';
import { trainGbdt } from '../../shared/model/gbdt/boost.ts';

// Four rows; feature 0 separates the labels after x = 2, feature 1 is less useful.
const x = Float32Array.from([1, 10, 2, 30, 3, 20, 4, 40]);
const y = Uint8Array.from([0, 0, 1, 1]);
const rules = { lambda: 1, minChildWeight: 0, minGain: 0 };

describe('gbdt split search', () => {
  it('bins a feature with few values one value a bin, the boundary value going left', () => {
    const binning = fitBinning(x, 2, { maxBins: 256, sampleRows: 100, seed: 1 });
    expect([...binning.edges[0]!]).toEqual([1, 2, 3]);
    expect([...applyBinning(binning, x)]).toEqual([0, 0, 1, 2, 2, 1, 3, 3]);
    expect(binOf(binning.edges[0]!, Number.NaN)).toBe(3);
  });

  it('caps bins at maxBins by quantiles and keeps x <= edge exactly the bins at or below it', () => {
    const many = Float32Array.from({ length: 1000 }, (_, i) => (i * 7919) % 1000);
    const { edges } = fitBinning(many, 1, { maxBins: 16, sampleRows: 1000, seed: 1 });
    expect(edges[0]!.length).toBe(15); // 15 boundaries between 16 bins
    const bins = applyBinning({ width: 1, edges }, many);
    let disagreements = 0;
    for (let b = 0; b < edges[0]!.length; b++)
      for (let i = 0; i < many.length; i++) if (many[i]! <= edges[0]![b]! !== bins[i]! <= b) disagreements++;
    expect(disagreements).toBe(0);
    // Evenly filled: every bin holds 1000/16 rows give or take one value's worth.
    const counts = new Array<number>(16).fill(0);
    for (const b of bins) counts[b]!++;
    expect(Math.max(...counts) - Math.min(...counts)).toBeLessThanOrEqual(2);
  });

  it('finds the gain 1/2 [GL²/(HL+λ) + GR²/(HR+λ) - G²/(H+λ)] worked out by hand', () => {
    // At log-odds 0: p = 1/2, gradients p - y = (1/2, 1/2, -1/2, -1/2), hessians p(1-p) = 1/4.
    const gh = Float64Array.from([0.5, 0.25, 0.5, 0.25, -0.5, 0.25, -0.5, 0.25]);
    const binning = fitBinning(x, 2, { maxBins: 256, sampleRows: 100, seed: 1 });
    const hist = newHistogram(2);
    buildHistogram(hist, applyBinning(binning, x), 2, gh, Uint32Array.from([0, 1, 2, 3]), 0, 4);
    // Feature 0 after x <= 2: GL = 1, HL = 1/2, GR = -1, HR = 1/2 -> 1/2 (1/1.5 + 1/1.5 - 0/2) = 2/3.
    expect(splitGain(1, 0.5, 0, 1, 1)).toBeCloseTo(2 / 3, 14);
    // After x <= 1: GL = 1/2, HL = 1/4 -> 1/2 (0.25/1.25 + 0.25/1.75) = 0.1714...
    expect(splitGain(0.5, 0.25, 0, 1, 1)).toBeCloseTo(0.5 * (0.2 + 0.25 / 1.75), 14);
    const best = bestSplit(hist, [4, 4], 0, 1, rules)!;
    expect(best).toMatchObject({ feature: 0, bin: 1, gradLeft: 1, hessLeft: 0.5 });
    expect(best.gain).toBeCloseTo(2 / 3, 14);
    // Feature 1 orders the rows 10, 20, 30, 40 with gradients 1/2, -1/2, 1/2, -1/2: x <= 10 and x <= 30 both gain
    // 0.1714..., x <= 20 gains 0; the tie keeps the lower bin.
    const f1 = bestSplit(hist, [1, 4], 0, 1, rules)!;
    expect(f1).toMatchObject({ feature: 1, bin: 0, gradLeft: 0.5, hessLeft: 0.25 });
    expect(f1.gain).toBeCloseTo(0.5 * (0.2 + 0.25 / 1.75), 14);
  });

  it('refuses a split whose side has less hessian than minChildWeight', () => {
    const gh = Float64Array.from([0.5, 0.25, 0.5, 0.25, -0.5, 0.25, -0.5, 0.25]);
    const binning = fitBinning(x, 2, { maxBins: 256, sampleRows: 100, seed: 1 });
    const hist = newHistogram(2);
    buildHistogram(hist, applyBinning(binning, x), 2, gh, Uint32Array.from([0, 1, 2, 3]), 0, 4);
    expect(bestSplit(hist, [4, 4], 0, 1, { ...rules, minChildWeight: 0.6 })).toBeNull();
  });

  it('gives the sibling histogram by subtraction equal to building it', () => {
    const gh = Float64Array.from([0.5, 0.25, 0.5, 0.25, -0.5, 0.25, -0.5, 0.25]);
    const bins = applyBinning(fitBinning(x, 2, { maxBins: 256, sampleRows: 100, seed: 1 }), x);
    const idx = Uint32Array.from([0, 1, 2, 3]);
    const parent = newHistogram(2);
    const left = newHistogram(2);
    const right = newHistogram(2);
    buildHistogram(parent, bins, 2, gh, idx, 0, 4);
    buildHistogram(left, bins, 2, gh, idx, 0, 2);
    buildHistogram(right, bins, 2, gh, idx, 2, 4);
    subtractHistogram(parent, left);
    expect(parent).toEqual(right);
  });

  it('grows the first tree with the hand-computed split and leaf weights -G/(H+λ)', () => {
    const { forest } = trainGbdt(x, y, 2, {
      rounds: 1,
      maxDepth: 1,
      learningRate: 1,
      lambda: 1,
      minChildWeight: 0,
      earlyStoppingRounds: 0,
    });
    expect(forest.baseMargin).toBe(0);
    const t = forest.trees[0]!;
    expect([...t.feature]).toEqual([0, -1, -1]);
    expect(t.threshold[0]).toBe(2);
    // Left: G = 1, H = 1/2 -> -1/1.5; right the opposite; the root the hessian-weighted mean, 0.
    expect(t.value[1]).toBeCloseTo(-2 / 3, 14);
    expect(t.value[2]).toBeCloseTo(2 / 3, 14);
    expect(t.value[0]).toBeCloseTo(0, 14);
    expect([...t.cover]).toEqual([1, 0.5, 0.5]);
  });
});
