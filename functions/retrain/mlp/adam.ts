// Adam over a flat Float32 parameter vector, with tf.js's defaults (beta1 0.9, beta2 0.999, epsilon 1e-7, bias-corrected).
export class Adam {
  private readonly m: Float32Array;
  private readonly v: Float32Array;
  private step = 0;
  constructor(
    size: number,
    private readonly learningRate: number,
    private readonly beta1 = 0.9,
    private readonly beta2 = 0.999,
    private readonly epsilon = 1e-7,
  ) {
    this.m = new Float32Array(size);
    this.v = new Float32Array(size);
  }

  /** One update of `theta` by the gradient `g` (same length). */
  apply(theta: Float32Array, g: Float64Array): void {
    this.step++;
    const { m, v, beta1, beta2, epsilon } = this;
    const c1 = 1 - beta1 ** this.step;
    const c2 = 1 - beta2 ** this.step;
    const lr = this.learningRate;
    for (let k = 0; k < theta.length; k++) {
      const gk = g[k]!;
      const mk = (m[k] = beta1 * m[k]! + (1 - beta1) * gk);
      const vk = (v[k] = beta2 * v[k]! + (1 - beta2) * gk * gk);
      theta[k] = theta[k]! - (lr * (mk / c1)) / (Math.sqrt(vk / c2) + epsilon);
    }
  }
}
