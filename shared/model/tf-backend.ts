// TensorFlow.js loaded on first use and set up once per process: the pure-JS CPU backend (installs anywhere), production
// mode (no debug checks or banner). Importing this module loads nothing: a function that never meets a network never
// pays for tf.js.
import type * as Tf from './tf.ts';

let ready: Promise<typeof Tf> | undefined;

/** tf.js, loaded and set up (once): call before a network is built, read or scores. */
export function tfReady(): Promise<typeof Tf> {
  return (ready ??= (async () => {
    const tf = await import('./tf.ts');
    tf.enableProdMode();
    await tf.setBackend('cpu');
    await tf.ready();
    return tf;
  })());
}
