// A dense network's parameters in one Float32Array (seeded Glorot-uniform kernels, zero biases), its forward pass, and the tf.js kernel layout.
import { Random } from '../../../shared/synth/random.ts';

/**
 * Layer l maps sizes[l] inputs to sizes[l + 1] units: relu on every hidden layer, a sigmoid on the last (one unit).
 * Its weights sit by output unit at `weightAt[l]` (unit u's weights are [u * inputs, (u + 1) * inputs)), its biases at
 * `biasAt[l]`, all in one flat parameter vector so that Adam updates it in one loop.
 */
export interface Layout {
  readonly sizes: readonly number[];
  readonly weightAt: readonly number[];
  readonly biasAt: readonly number[];
  /** Where each layer's activations start in an activation buffer (layer 0 = the input row). */
  readonly activationAt: readonly number[];
  readonly parameters: number;
  readonly activations: number;
}

export function layout(sizes: readonly number[]): Layout {
  const weightAt: number[] = [];
  const biasAt: number[] = [];
  const activationAt: number[] = [0];
  let p = 0;
  for (let l = 0; l + 1 < sizes.length; l++) {
    weightAt.push(p);
    p += sizes[l]! * sizes[l + 1]!;
    biasAt.push(p);
    p += sizes[l + 1]!;
    activationAt.push(activationAt[l]! + sizes[l]!);
  }
  return { sizes, weightAt, biasAt, activationAt, parameters: p, activations: activationAt.at(-1)! + sizes.at(-1)! };
}

/** Glorot-uniform kernels (limit sqrt(6 / (fan_in + fan_out)), Keras' default), layer l drawn from seed + l; zero biases. */
export function initialParameters(shape: Layout, seed: number): Float32Array {
  const theta = new Float32Array(shape.parameters);
  for (let l = 0; l < shape.weightAt.length; l++) {
    const inputs = shape.sizes[l]!;
    const units = shape.sizes[l + 1]!;
    const limit = Math.sqrt(6 / (inputs + units));
    const rnd = new Random(seed + l);
    for (let k = 0; k < inputs * units; k++) theta[shape.weightAt[l]! + k] = rnd.uniform(-limit, limit);
  }
  return theta;
}

/**
 * Runs row `row` of `x` (`width` = sizes[0] floats a row) through the network, every layer's activations into `act`
 * (Float64, laid out by `activationAt`); returns the output probability.
 */
export function forward(shape: Layout, theta: Float32Array, x: Float32Array, row: number, act: Float64Array): number {
  const sizes = shape.sizes;
  const width = sizes[0]!;
  const base = row * width;
  for (let i = 0; i < width; i++) act[i] = x[base + i]!;
  const last = sizes.length - 2;
  for (let l = 0; l <= last; l++) {
    const inputs = sizes[l]!;
    const units = sizes[l + 1]!;
    const inAt = shape.activationAt[l]!;
    const outAt = shape.activationAt[l + 1]!;
    const b = shape.biasAt[l]!;
    for (let u = 0, w = shape.weightAt[l]!; u < units; u++, w += inputs) {
      let z = theta[b + u]!;
      for (let i = 0; i < inputs; i++) z += theta[w + i]! * act[inAt + i]!;
      act[outAt + u] = l === last ? 1 / (1 + Math.exp(-z)) : z > 0 ? z : 0;
    }
  }
  return act[shape.activationAt[last + 1]!]!;
}

/** Probabilities of every row of `x` into `out` (one per row). */
export function predictInto(shape: Layout, theta: Float32Array, x: Float32Array, out: Float32Array): Float32Array {
  const act = new Float64Array(shape.activations);
  for (let r = 0; r < out.length; r++) out[r] = forward(shape, theta, x, r, act);
  return out;
}

/** [kernel, bias] per layer in tf.js's layout: the kernel [inputs, units] row-major (input i, unit u at i * units + u). */
export function tfLayout(shape: Layout, theta: Float32Array): Array<{ kernel: Float32Array; bias: Float32Array }> {
  return shape.weightAt.map((w, l) => {
    const inputs = shape.sizes[l]!;
    const units = shape.sizes[l + 1]!;
    const kernel = new Float32Array(inputs * units);
    for (let u = 0; u < units; u++) for (let i = 0; i < inputs; i++) kernel[i * units + u] = theta[w + u * inputs + i]!;
    return { kernel, bias: theta.slice(shape.biasAt[l]!, shape.biasAt[l]! + units) };
  });
}
