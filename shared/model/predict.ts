// Scores raw feature rows with a stored model: its own scaler, then the network, in batches.
import * as tf from './tf.ts';
import type { Scaler } from './scaler.ts';

export function predictScaled(model: tf.LayersModel, scaled: Float32Array, width: number, batch = 8192): Float32Array {
  const n = scaled.length / width;
  const out = new Float32Array(n);
  for (let start = 0; start < n; start += batch) {
    const rows = Math.min(batch, n - start);
    const scores = tf.tidy(() =>
      (
        model.predict(tf.tensor2d(scaled.subarray(start * width, (start + rows) * width), [rows, width])) as tf.Tensor
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
