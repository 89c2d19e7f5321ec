// TensorFlow.js as fraudflow uses it: core, layers and the pure-JS CPU backend (the umbrella package adds webgl,
// the converter, data and a browser bundle, ~190 MB that nothing here runs).
import '@tensorflow/tfjs-backend-cpu';

export * from '@tensorflow/tfjs-core';
export * from '@tensorflow/tfjs-layers';
