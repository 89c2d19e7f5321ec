// One mini-batch's fused forward and backward pass: the class-weighted mean binary cross-entropy's gradient, no allocation.
import { forward, type Layout } from './network.ts';

/**
 * tf.js's binaryCrossentropy clips the probability to [1e-7, 1 - 1e-7] (float32) before the log: a row beyond it
 * (a fraud scored below 1e-7, say) passes no gradient there, and none here.
 */
const CLIP_LOW = 1e-7;
const CLIP_HIGH = Math.fround(1 - 1e-7);

/** Buffers a training loop allocates once and every batch reuses. */
export interface Scratch {
  readonly act: Float64Array;
  readonly delta: Float64Array;
  readonly grad: Float64Array;
}

export function scratchFor(shape: Layout): Scratch {
  return {
    act: new Float64Array(shape.activations),
    delta: new Float64Array(shape.activations),
    grad: new Float64Array(shape.parameters),
  };
}

/**
 * Into `s.grad`: the gradient of mean_k(w_k * BCE(p_k, y_k)) over rows order[from..to) of `x`, w = the row's class
 * weight (tf.js's classWeight: the weighted losses averaged over the batch size). The sigmoid's and the cross-entropy's
 * derivatives fold into dL/dz = w (p - y) at the output, inside the clip.
 */
export function batchGradient(
  shape: Layout,
  theta: Float32Array,
  x: Float32Array,
  y: Uint8Array,
  order: Uint32Array,
  range: readonly [number, number],
  classWeight: readonly [number, number],
  s: Scratch,
): void {
  const { act, delta, grad } = s;
  grad.fill(0);
  const sizes = shape.sizes;
  const layers = sizes.length - 1;
  const scale = 1 / (range[1] - range[0]);
  for (let k = range[0]; k < range[1]; k++) {
    const row = order[k]!;
    const label = y[row]!;
    const p = forward(shape, theta, x, row, act);
    if (p < CLIP_LOW || p > CLIP_HIGH) continue;
    delta[shape.activationAt[layers]!] = classWeight[label]! * (p - label) * scale;
    for (let l = layers - 1; l >= 0; l--) {
      const inputs = sizes[l]!;
      const units = sizes[l + 1]!;
      const inAt = shape.activationAt[l]!;
      const outAt = shape.activationAt[l + 1]!;
      const b = shape.biasAt[l]!;
      const back = l > 0;
      if (back) for (let i = 0; i < inputs; i++) delta[inAt + i] = 0;
      for (let u = 0, w = shape.weightAt[l]!; u < units; u++, w += inputs) {
        const d = delta[outAt + u]!;
        if (d === 0) continue;
        grad[b + u] = grad[b + u]! + d;
        for (let i = 0; i < inputs; i++) {
          grad[w + i] = grad[w + i]! + d * act[inAt + i]!;
          if (back) delta[inAt + i] = delta[inAt + i]! + d * theta[w + i]!;
        }
      }
      // relu' of the layer below: its units that were 0 pass no gradient.
      if (back) for (let i = 0; i < inputs; i++) if (act[inAt + i]! <= 0) delta[inAt + i] = 0;
    }
  }
}
