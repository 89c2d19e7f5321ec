// Scores raw feature rows with a stored model: its own scaler, then the network, in batches.
import { createRequire } from 'node:module';
import type * as tf from '@tensorflow/tfjs';
import type { Scaler } from './scaler.ts';

// tf.js is loaded when a network scores, not by every importer of scaleRows (the GBDT, the registry): the same
// module instance as `import` gives (the package has one CommonJS entry), so its backend set-up is shared.
let tfModule: typeof tf | undefined;
const tfjs = (): typeof tf => (tfModule ??= createRequire(import.meta.url)('@tensorflow/tfjs') as typeof tf);

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
