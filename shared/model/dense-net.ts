// The forward pass of a stack of dense layers in plain TypeScript, the scaler folded into the first layer.
//
// TensorFlow.js trains and stores the models; scoring runs here. For the small networks fraudflow trains (logistic
// regression, a 16-8-1 MLP) tf.js's per-call cost (tensors, scopes, the engine) is most of the time of a single-row
// prediction, and its pure-JS matrix product is slower than code specialised for these sizes: small networks are
// compiled into one straight-line function with the weights as constants (about 3x a loop over weight arrays in V8).
import type * as tf from './tf.ts';
import type { Scaler } from './scaler.ts';

type Activation = 'relu' | 'sigmoid' | 'linear';

interface Layer {
  readonly inputs: number;
  readonly units: number;
  /** Weights by output unit: unit u's weights are [u * inputs, (u + 1) * inputs). */
  readonly weights: Float64Array;
  readonly bias: Float64Array;
  /** The activation as a small integer, for the inner loop. */
  readonly kind: number;
}

const RELU = 1;
const SIGMOID = 2;
const KIND: Record<Activation, number> = { relu: RELU, sigmoid: SIGMOID, linear: 0 };
/** Networks up to this many weights are compiled to straight-line code; larger ones run the loop. */
const COMPILE_MAX_WEIGHTS = 20_000;

type Forward = (rows: Float32Array, offset: number) => number;

/** The network as one function of (rows, offset): numbers only go into the source (checked finite), nothing else. */
function compile(layers: readonly Layer[]): Forward {
  const num = (v: number): string => {
    if (!Number.isFinite(v)) throw new Error(`dense-net: weight ${v} is not finite`);
    return v < 0 || Object.is(v, -0) ? `(${v})` : String(v); // String() round-trips a double exactly
  };
  const act = (kind: number, z: string) =>
    kind === RELU ? `(${z} > 0 ? ${z} : 0)` : kind === SIGMOID ? `1 / (1 + Math.exp(-${z}))` : z;
  const lines = ['let z;'];
  let names = Array.from({ length: layers[0]!.inputs }, (_, i) => `x${i}`);
  names.forEach((n, i) => lines.push(`const ${n} = rows[offset + ${i}];`));
  layers.forEach((layer, l) => {
    const next: string[] = [];
    for (let u = 0; u < layer.units; u++) {
      const terms = names.map((n, i) => `${num(layer.weights[u * layer.inputs + i]!)} * ${n}`);
      lines.push(`z = ${num(layer.bias[u]!)} + ${terms.join(' + ')};`);
      const name = `a${l}_${u}`;
      lines.push(`const ${name} = ${act(layer.kind, 'z')};`);
      next.push(name);
    }
    names = next;
  });
  lines.push(`return ${names[0]};`);
  return new Function('rows', 'offset', lines.join('\n')) as Forward;
}

export class DenseNet {
  readonly width: number;
  /** Whether the network runs as compiled straight-line code (else the loop over weight arrays). */
  get isCompiled(): boolean {
    return this.compiled !== null;
  }
  private readonly scratch: Float64Array[];
  private readonly input: Float64Array;
  private readonly probe: Float32Array;
  private readonly compiled: Forward | null;

  private constructor(
    private readonly layers: readonly Layer[],
    private readonly mean: Float64Array,
    compiled: boolean,
  ) {
    this.width = layers[0]!.inputs;
    this.scratch = layers.map((l) => new Float64Array(l.units));
    this.input = new Float64Array(this.width);
    this.probe = new Float32Array(this.width);
    this.compiled =
      compiled && layers.reduce((n, l) => n + l.weights.length, 0) <= COMPILE_MAX_WEIGHTS ? compile(layers) : null;
  }

  /**
   * The network of a tf.js model made only of Dense layers (relu, sigmoid or linear), with the scaler's standardisation
   * folded into the first layer; null for any other architecture, which then scores through tf.js.
   */
  static fromModel(model: tf.LayersModel, scaler: Scaler, options: { compile?: boolean } = {}): DenseNet | null {
    const layers: Layer[] = [];
    for (const layer of model.layers) {
      if (layer.getClassName() === 'InputLayer') continue;
      const activation = (layer.getConfig() as { activation?: string }).activation ?? 'linear';
      if (layer.getClassName() !== 'Dense' || !Object.hasOwn(KIND, activation)) return null;
      const [kernel, bias] = layer.getWeights();
      if (!kernel || kernel.shape.length !== 2) return null;
      const [inputs, units] = kernel.shape as [number, number];
      const k = kernel.dataSync();
      const weights = new Float64Array(inputs * units);
      for (let i = 0; i < inputs; i++) for (let u = 0; u < units; u++) weights[u * inputs + i] = k[i * units + u]!;
      layers.push({
        inputs,
        units,
        weights,
        bias: bias ? Float64Array.from(bias.dataSync()) : new Float64Array(units),
        kind: KIND[activation as Activation],
      });
    }
    if (layers.length === 0 || layers.some((l, i) => i > 0 && l.inputs !== layers[i - 1]!.units)) return null;
    const first = layers[0]!;
    if (scaler.mean.length !== first.inputs) return null;
    // w'(u,i) = w(u,i) / std(i); b'(u) = b(u) - sum_i mean(i) * w(u,i) / std(i): the network then takes raw features.
    for (let u = 0; u < first.units; u++) {
      let shift = 0;
      for (let i = 0; i < first.inputs; i++) {
        const w = first.weights[u * first.inputs + i]! / scaler.std[i]!;
        first.weights[u * first.inputs + i] = w;
        shift += scaler.mean[i]! * w;
      }
      first.bias[u] = first.bias[u]! - shift;
    }
    return new DenseNet(layers, Float64Array.from(scaler.mean), options.compile ?? true);
  }

  /** Fraud probabilities of rows of raw (unscaled) features, `width` values each, packed in one array. */
  predict(rows: Float32Array): Float32Array {
    const n = rows.length / this.width;
    const out = new Float32Array(n);
    const f = this.compiled;
    if (f) for (let r = 0; r < n; r++) out[r] = f(rows, r * this.width);
    else for (let r = 0; r < n; r++) out[r] = this.forward(rows, r * this.width);
    return out;
  }

  /**
   * Per row, the `top` features whose occlusion (set to the training mean, i.e. 0 once standardised) lowers the
   * probability most, largest first: the same reasons tf.js's occlusion gives.
   */
  explain(
    rows: Float32Array,
    names: readonly string[],
    top: number,
  ): Array<Array<{ feature: string; contribution: number }>> {
    const n = rows.length / this.width;
    const out: Array<Array<{ feature: string; contribution: number }>> = [];
    for (let r = 0; r < n; r++) {
      const offset = r * this.width;
      const score = Math.fround(this.score(rows, offset));
      const contributions = names.map((feature, f) => {
        this.probe.set(rows.subarray(offset, offset + this.width));
        this.probe[f] = this.mean[f]!;
        return { feature, contribution: score - Math.fround(this.score(this.probe, 0)) };
      });
      out.push(contributions.sort((a, b) => b.contribution - a.contribution).slice(0, top));
    }
    return out;
  }

  private score(rows: Float32Array, offset: number): number {
    return this.compiled ? this.compiled(rows, offset) : this.forward(rows, offset);
  }

  /** One row's probability by the loop over the weight arrays, read from `rows` at `offset`. */
  private forward(rows: Float32Array, offset: number): number {
    // The row in float64 first: every layer then reads one array type (a monomorphic loop is much faster in V8).
    let input = this.input;
    const width = this.width;
    for (let i = 0; i < width; i++) input[i] = rows[offset + i]!;
    const layers = this.layers;
    for (let l = 0; l < layers.length; l++) {
      const layer = layers[l]!;
      const inputs = layer.inputs;
      const weights = layer.weights;
      const bias = layer.bias;
      const kind = layer.kind;
      const out = this.scratch[l]!;
      for (let u = 0, w = 0; u < layer.units; u++, w += inputs) {
        let z = bias[u]!;
        for (let i = 0; i < inputs; i++) z += weights[w + i]! * input[i]!;
        out[u] = kind === RELU ? (z > 0 ? z : 0) : kind === SIGMOID ? 1 / (1 + Math.exp(-z)) : z;
      }
      input = out;
    }
    return input[0]!;
  }
}
