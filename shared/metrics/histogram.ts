// Score histograms over [0, 1] and the population stability index between two of them.

export function histogram(scores: ArrayLike<number>, bins: number): { edges: number[]; counts: number[] } {
  const counts = new Array<number>(bins).fill(0);
  for (let i = 0; i < scores.length; i++) counts[Math.min(bins - 1, Math.max(0, Math.floor(scores[i]! * bins)))]!++;
  return { edges: Array.from({ length: bins + 1 }, (_, i) => i / bins), counts };
}

/**
 * PSI = sum over bins of (actual - expected) * ln(actual / expected), with shares; empty bins get a small
 * floor so the log stays finite. Below 0.1: stable; 0.1-0.25: some drift; above 0.25: shifted.
 */
export function psi(expected: readonly number[], actual: readonly number[], floor = 1e-4): number {
  const e = expected.reduce((a, b) => a + b, 0);
  const a = actual.reduce((x, y) => x + y, 0);
  if (e === 0 || a === 0) return Number.NaN;
  let total = 0;
  for (let i = 0; i < expected.length; i++) {
    const pe = Math.max(floor, expected[i]! / e);
    const pa = Math.max(floor, actual[i]! / a);
    total += (pa - pe) * Math.log(pa / pe);
  }
  return total;
}
