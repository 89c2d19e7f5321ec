// Grows one regression tree on binned rows, leaf by leaf (best gain first) up to a leaf and a depth limit.
import type { Binning } from './binning.ts';
import { buildHistogram, newHistogram, subtractHistogram } from './histogram.ts';
import { bestSplit, leafWeight, type Split, type SplitRules } from './split.ts';
import type { Tree } from './forest.ts';

export interface GrowRules extends SplitRules {
  readonly maxLeaves: number;
  /** Root at depth 0: a tree of depth d has at most 2^d leaves. */
  readonly maxDepth: number;
  /** Shrinkage applied to every node's value. */
  readonly learningRate: number;
}

interface Leaf {
  readonly node: number;
  readonly start: number;
  readonly end: number;
  readonly depth: number;
  readonly g: number;
  readonly h: number;
  hist: Float64Array | null;
  split: Split | null;
}

/** Reusable buffers for growing trees on one matrix: histograms and the partition scratch. */
export class TreeGrower {
  private readonly pool: Float64Array[] = [];
  private readonly scratch: Uint32Array;
  private readonly binCounts: Int32Array;

  constructor(
    private readonly bins: Uint8Array,
    private readonly binning: Binning,
    rows: number,
    private readonly rules: GrowRules,
  ) {
    this.scratch = new Uint32Array(rows);
    this.binCounts = Int32Array.from(binning.edges, (e) => e.length + 1);
  }

  /**
   * A tree over rows idx[0..count) with gradients and hessians `gh` (interleaved by row). `idx` is reordered so each
   * leaf's rows are contiguous; `onLeaf` gets each leaf's output and row range (the caller updates margins from it).
   */
  // eslint-disable-next-line max-lines-per-function -- best-first growth over one heap and shared row buffers: reads better whole
  grow(
    gh: Float64Array,
    idx: Uint32Array,
    count: number,
    onLeaf: (value: number, start: number, end: number) => void,
  ): Tree {
    const { width } = this.binning;
    const nodes = { feature: [] as number[], threshold: [] as number[], left: [] as number[], right: [] as number[] };
    const g0: number[] = [];
    const h0: number[] = [];
    const addNode = (g: number, h: number): number => {
      nodes.feature.push(-1);
      nodes.threshold.push(0);
      nodes.left.push(-1);
      nodes.right.push(-1);
      g0.push(g);
      h0.push(h);
      return g0.length - 1;
    };
    let g = 0;
    let h = 0;
    for (let i = 0; i < count; i++) {
      g += gh[2 * idx[i]!]!;
      h += gh[2 * idx[i]! + 1]!;
    }
    const root: Leaf = { node: addNode(g, h), start: 0, end: count, depth: 0, g, h, hist: this.take(), split: null };
    buildHistogram(root.hist!, this.bins, width, gh, idx, 0, count);
    this.consider(root);
    const leaves: Leaf[] = [root];
    while (leaves.length < this.rules.maxLeaves) {
      let pick = -1;
      for (let i = 0; i < leaves.length; i++) {
        const s = leaves[i]!.split;
        if (s && (pick < 0 || s.gain > leaves[pick]!.split!.gain)) pick = i;
      }
      if (pick < 0) break;
      const leaf = leaves[pick]!;
      const split = leaf.split!;
      const mid = this.partition(idx, leaf.start, leaf.end, split.feature, split.bin);
      const gl = split.gradLeft;
      const hl = split.hessLeft;
      const left: Leaf = {
        node: addNode(gl, hl),
        start: leaf.start,
        end: mid,
        depth: leaf.depth + 1,
        g: gl,
        h: hl,
        hist: null,
        split: null,
      };
      const right: Leaf = {
        node: addNode(leaf.g - gl, leaf.h - hl),
        start: mid,
        end: leaf.end,
        depth: leaf.depth + 1,
        g: leaf.g - gl,
        h: leaf.h - hl,
        hist: null,
        split: null,
      };
      nodes.feature[leaf.node] = split.feature;
      nodes.threshold[leaf.node] = this.binning.edges[split.feature]![split.bin]!;
      nodes.left[leaf.node] = left.node;
      nodes.right[leaf.node] = right.node;
      // The smaller child's histogram is built; the larger's is the parent's minus it, in the parent's buffer.
      const [small, large] = mid - leaf.start <= leaf.end - mid ? [left, right] : [right, left];
      small.hist = this.take();
      buildHistogram(small.hist, this.bins, width, gh, idx, small.start, small.end);
      subtractHistogram(leaf.hist!, small.hist);
      large.hist = leaf.hist;
      leaf.hist = null;
      this.consider(left);
      this.consider(right);
      leaves.splice(pick, 1, left, right);
    }
    for (const leaf of leaves) if (leaf.hist) this.pool.push(leaf.hist);
    return this.finish(nodes, g0, h0, leaves, onLeaf);
  }

  private consider(leaf: Leaf): void {
    leaf.split =
      leaf.depth < this.rules.maxDepth && leaf.end - leaf.start >= 2
        ? bestSplit(leaf.hist!, this.binCounts, leaf.g, leaf.h, this.rules)
        : null;
    // A leaf that will never split gives its histogram back at once: the pool stays as small as the frontier.
    if (!leaf.split && leaf.hist) {
      this.pool.push(leaf.hist);
      leaf.hist = null;
    }
  }

  private take(): Float64Array {
    return this.pool.pop() ?? newHistogram(this.binning.width);
  }

  /** Stable in-place partition of idx[start..end) by bin <= `bin` on `feature`; returns where the right side starts. */
  private partition(idx: Uint32Array, start: number, end: number, feature: number, bin: number): number {
    const { bins, scratch } = this;
    const width = this.binning.width;
    let l = start;
    let r = 0;
    for (let i = start; i < end; i++) {
      const row = idx[i]!;
      if (bins[row * width + feature]! <= bin) idx[l++] = row;
      else scratch[r++] = row;
    }
    idx.set(scratch.subarray(0, r), l);
    return l;
  }

  /** Leaf outputs -G/(H+λ) times the learning rate; internal nodes the hessian-weighted mean of their children's. */
  private finish(
    nodes: { feature: number[]; threshold: number[]; left: number[]; right: number[] },
    g0: number[],
    h0: number[],
    leaves: Leaf[],
    onLeaf: (value: number, start: number, end: number) => void,
  ): Tree {
    const n = g0.length;
    const value = new Float64Array(n);
    const { lambda, learningRate } = this.rules;
    for (const leaf of leaves) {
      value[leaf.node] = learningRate * leafWeight(leaf.g, leaf.h, lambda);
      onLeaf(value[leaf.node]!, leaf.start, leaf.end);
    }
    // Children always have larger indices than their parent: one backward pass fills internal nodes.
    for (let k = n - 1; k >= 0; k--) {
      if (nodes.feature[k]! < 0) continue;
      const l = nodes.left[k]!;
      const r = nodes.right[k]!;
      const cover = h0[l]! + h0[r]!;
      value[k] = cover > 0 ? (h0[l]! * value[l]! + h0[r]! * value[r]!) / cover : (value[l]! + value[r]!) / 2;
    }
    return {
      feature: Int32Array.from(nodes.feature),
      threshold: Float32Array.from(nodes.threshold),
      left: Int32Array.from(nodes.left),
      right: Int32Array.from(nodes.right),
      value,
      cover: Float64Array.from(h0),
    };
  }
}
