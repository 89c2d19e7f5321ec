// Scores raw feature rows with a stored model: its own scaler, then the network, in batches.
import { createRequire } from 'node:module';
import type * as tf from './tf.ts';
import type { Scaler } from './scaler.ts';

// tf.js is loaded when a network scores, not by every importer of scaleRows (the GBDT, the registry). tfjs-core has
// one CommonJS entry (no "exports", no ESM build Node would pick), so require gives the very instance that
// `import` of ./tf.ts gives, and its backend set-up is shared.
type TfCore = Pick<typeof tf, 'tidy' | 'tensor2d'>;
let tfModule: TfCore | undefined;
const tfjs = (): TfCore => (tfModule ??= createRequire(import.meta.url)('@tensorflow/tfjs-core') as TfCore);

export function predictScaled(model: tf.LayersModel, scaled: Float32Array, width: number, batch = 8192): Float32Array {
  const n = scaled.length / width;
  const out = new Float32Array(n);
  for (let start = 0; start < n; start += batch) {
    const rows = Math.min(batch, n - start);
    const t = tfjs();
    const scores = t.tidy(() =>
      (
        model.predict(t.tensor2d(scaled.subarray(start * width, (start + rows) * width), [rows, width])) as tf.Tensor
      ).dataSync(),
    );
    out.set(scores as Float32Array, start);
  }
  return out;
}

export function scaleRows(raw: Float32Array, width: number, scaler: Scaler): Float32Array {
  const out = new Float32Array(raw.length);
  for (let i = 0; i < raw.length; i++) {
    const c = i % width;
    out[i] = (raw[i]! - scaler.mean[c]!) / scaler.std[c]!;
  }
  return out;
}
