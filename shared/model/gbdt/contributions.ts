// Per-verdict reasons of a forest: Saabas path contributions, each step's change in node value credited to its feature.
import type { Forest } from './forest.ts';

export interface Attribution {
  /** The expected log-odds: the base margin plus every tree's root value. */
  readonly bias: number;
  /** Per feature, in log-odds; bias + their sum = the row's margin. */
  readonly contributions: Float64Array;
}

/** The attribution of one row read from `rows` at `offset`. */
export function attribute(forest: Forest, rows: Float32Array, offset: number): Attribution {
  const contributions = new Float64Array(forest.width);
  let bias = forest.baseMargin;
  for (const tree of forest.trees) {
    let n = 0;
    bias += tree.value[0]!;
    while (tree.feature[n]! >= 0) {
      const f = tree.feature[n]!;
      const next = rows[offset + f]! <= tree.threshold[n]! ? tree.left[n]! : tree.right[n]!;
      contributions[f]! += tree.value[next]! - tree.value[n]!;
      n = next;
    }
  }
  return { bias, contributions };
}

/**
 * Per row, the `top` features that raise the fraud log-odds most, largest first (the shape the other models' reasons
 * have; their unit is log-odds here, not probability).
 */
export function explainForest(
  forest: Forest,
  rows: Float32Array,
  names: readonly string[],
  top: number,
): Array<Array<{ feature: string; contribution: number }>> {
  const n = rows.length / forest.width;
  const out: Array<Array<{ feature: string; contribution: number }>> = [];
  for (let r = 0; r < n; r++) {
    const { contributions } = attribute(forest, rows, r * forest.width);
    out.push(
      names
        .map((feature, f) => ({ feature, contribution: contributions[f]! }))
        .sort((a, b) => b.contribution - a.contribution)
        .slice(0, top),
    );
  }
  return out;
}
