// TensorFlow.js set up once per process: the pure-JS CPU backend (installs anywhere), production mode (no debug checks or banner).
import * as tf from './tf.ts';

let ready: Promise<void> | undefined;

export function tfReady(): Promise<void> {
  return (ready ??= (async () => {
    tf.enableProdMode();
    await tf.setBackend('cpu');
    await tf.ready();
  })());
}
