// A trained forest: trees as flat typed arrays, its JSON form (zod-checked), and the plain tree walk that scores it.
import { z } from 'zod';

/** One tree; node 0 is the root; a leaf has feature -1. Internal nodes send x[feature] <= threshold left (NaN right). */
export interface Tree {
  readonly feature: Int32Array;
  readonly threshold: Float32Array;
  readonly left: Int32Array;
  readonly right: Int32Array;
  /**
   * A leaf's output (shrinkage applied); an internal node's is the hessian-weighted mean of its leaves' outputs, the
   * expected value that per-feature path contributions are measured from.
   */
  readonly value: Float64Array;
  /** Hessian sum of the training rows that reached the node. */
  readonly cover: Float64Array;
}

export interface Forest {
  readonly width: number;
  /** The log-odds every row starts from. */
  readonly baseMargin: number;
  readonly trees: readonly Tree[];
}

const nums = z.array(z.number());
const TreeJson = z
  .object({
    feature: z.array(z.number().int().min(-1)),
    threshold: nums,
    left: nums,
    right: nums,
    value: nums,
    cover: nums,
  })
  .strict();

/** The stored form: `forest.json` in a registry version. */
export const ForestJson = z
  .object({
    format: z.literal('fraudflow-gbdt'),
    format_version: z.literal(1),
    width: z.number().int().positive(),
    base_margin: z.number(),
    trees: z.array(TreeJson),
  })
  .strict();
export type ForestJson = z.infer<typeof ForestJson>;

export function forestToJson(forest: Forest): ForestJson {
  return {
    format: 'fraudflow-gbdt',
    format_version: 1,
    width: forest.width,
    base_margin: forest.baseMargin,
    trees: forest.trees.map((t) => ({
      feature: [...t.feature],
      threshold: [...t.threshold],
      left: [...t.left],
      right: [...t.right],
      value: [...t.value],
      cover: [...t.cover],
    })),
  };
}

/** Reads a parsed forest.json, checking every tree is well formed (children inside, features inside, no cycles). */
export function forestFromJson(json: ForestJson): Forest {
  const trees = json.trees.map((t, i) => {
    const n = t.feature.length;
    const lengths = [t.threshold, t.left, t.right, t.value, t.cover].map((a) => a.length);
    if (n === 0 || lengths.some((l) => l !== n)) throw new Error(`tree ${i}: arrays of different lengths`);
    for (let k = 0; k < n; k++) {
      const f = t.feature[k]!;
      if (f >= json.width) throw new Error(`tree ${i} node ${k}: feature ${f} outside width ${json.width}`);
      // Children after their parent: a walk always moves forward and ends at a leaf.
      if (f >= 0 && !(t.left[k]! > k && t.left[k]! < n && t.right[k]! > k && t.right[k]! < n))
        throw new Error(`tree ${i} node ${k}: children must follow the node inside the tree`);
    }
    return {
      feature: Int32Array.from(t.feature),
      threshold: Float32Array.from(t.threshold),
      left: Int32Array.from(t.left),
      right: Int32Array.from(t.right),
      value: Float64Array.from(t.value),
      cover: Float64Array.from(t.cover),
    };
  });
  return { width: json.width, baseMargin: json.base_margin, trees };
}

/** The leaf a row reaches in a tree, the row read from `rows` at `offset`. */
export function leafOf(tree: Tree, rows: Float32Array, offset: number): number {
  let n = 0;
  while (tree.feature[n]! >= 0)
    n = rows[offset + tree.feature[n]!]! <= tree.threshold[n]! ? tree.left[n]! : tree.right[n]!;
  return n;
}

/** Log-odds of each row (`width` floats each, packed): the reference walk the compiled scorer must equal. */
export function walkMargins(forest: Forest, rows: Float32Array): Float64Array {
  const n = rows.length / forest.width;
  const out = new Float64Array(n).fill(forest.baseMargin);
  for (const tree of forest.trees)
    for (let r = 0; r < n; r++) out[r]! += tree.value[leafOf(tree, rows, r * forest.width)]!;
  return out;
}

export function sigmoid(m: number): number {
  return 1 / (1 + Math.exp(-m));
}
