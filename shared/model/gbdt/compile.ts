// The scoring form of a forest: small forests as one generated straight-line function, larger ones a tight loop over flat arrays.
import { sigmoid, type Forest, type Tree } from './forest.ts';

/** Forests up to this many nodes in all are compiled to code (a ternary per node); larger ones run the loop. */
const COMPILE_MAX_NODES = 60_000;

type Margin = (rows: Float32Array, offset: number) => number;

export interface ForestScorer {
  readonly width: number;
  readonly isCompiled: boolean;
  /** Log-odds per row of packed rows (`width` floats each). */
  margins(rows: Float32Array): Float64Array;
  /** Fraud probabilities per row. */
  predict(rows: Float32Array): Float32Array;
}

/** Only numbers and feature indices go into the source, each checked, nothing else. */
function num(v: number): string {
  if (!Number.isFinite(v)) throw new Error(`gbdt: value ${v} is not finite`);
  return v < 0 || Object.is(v, -0) ? `(${v})` : String(v); // String() round-trips a double (a float32 threshold too)
}

function treeExpression(tree: Tree, node: number): string {
  const f = tree.feature[node]!;
  if (f < 0) return num(tree.value[node]!);
  // NaN fails `<=` and goes right, as in the walk.
  return `(x${f} <= ${num(tree.threshold[node]!)} ? ${treeExpression(tree, tree.left[node]!)} : ${treeExpression(tree, tree.right[node]!)})`;
}

function compile(forest: Forest): Margin {
  const lines: string[] = [];
  for (let f = 0; f < forest.width; f++) lines.push(`const x${f} = rows[offset + ${f}];`);
  lines.push(`let m = ${num(forest.baseMargin)};`);
  // Added tree by tree in order, as the walk adds them: the same doubles, bit for bit.
  for (const tree of forest.trees) lines.push(`m += ${treeExpression(tree, 0)};`);
  lines.push('return m;');
  return new Function('rows', 'offset', lines.join('\n')) as Margin;
}

/** All trees' nodes in one set of arrays, child indices made global: the loop reads five flat arrays. */
function flatten(forest: Forest): Margin {
  const total = forest.trees.reduce((s, t) => s + t.feature.length, 0);
  const feature = new Int32Array(total);
  const threshold = new Float32Array(total);
  const left = new Int32Array(total);
  const right = new Int32Array(total);
  const value = new Float64Array(total);
  const roots = new Int32Array(forest.trees.length);
  let at = 0;
  forest.trees.forEach((t, i) => {
    roots[i] = at;
    feature.set(t.feature, at);
    threshold.set(t.threshold, at);
    value.set(t.value, at);
    for (let k = 0; k < t.feature.length; k++) {
      left[at + k] = t.left[k]! + at;
      right[at + k] = t.right[k]! + at;
    }
    at += t.feature.length;
  });
  const base = forest.baseMargin;
  return (rows, offset) => {
    let m = base;
    for (let t = 0; t < roots.length; t++) {
      let n = roots[t]!;
      let f = feature[n]!;
      while (f >= 0) {
        n = rows[offset + f]! <= threshold[n]! ? left[n]! : right[n]!;
        f = feature[n]!;
      }
      m += value[n]!;
    }
    return m;
  };
}

export function forestScorer(forest: Forest, options: { compile?: boolean } = {}): ForestScorer {
  const nodes = forest.trees.reduce((s, t) => s + t.feature.length, 0);
  const compiled = (options.compile ?? true) && nodes <= COMPILE_MAX_NODES;
  const margin = compiled ? compile(forest) : flatten(forest);
  const width = forest.width;
  return {
    width,
    isCompiled: compiled,
    margins(rows) {
      const n = rows.length / width;
      const out = new Float64Array(n);
      for (let r = 0; r < n; r++) out[r] = margin(rows, r * width);
      return out;
    },
    predict(rows) {
      const n = rows.length / width;
      const out = new Float32Array(n);
      for (let r = 0; r < n; r++) out[r] = sigmoid(margin(rows, r * width));
      return out;
    },
  };
}
