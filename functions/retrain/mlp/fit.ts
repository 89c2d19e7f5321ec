// The MLP's training loop in plain TypeScript: seeded shuffles, Adam over mini-batches, early stopping on validation AUPRC.
import { Random } from '../../../shared/synth/random.ts';
import { Adam } from './adam.ts';
import { averagePrecision } from '../../../shared/metrics/ranking.ts';
import { initialParameters, layout, predictInto, type Layout } from './network.ts';
import { batchGradient, scratchFor } from './step.ts';

export interface FitOptions {
  /** Units of the hidden (relu) layers; one sigmoid unit follows. */
  readonly hidden: readonly number[];
  readonly maxEpochs: number;
  readonly patience: number;
  readonly batchSize: number;
  readonly learningRate: number;
  /** Loss weight of a genuine row and of a fraud. */
  readonly classWeight: readonly [number, number];
  readonly seed: number;
  readonly onEpoch?: (e: { epoch: number; auprc: number; ms: number }) => void;
}

export interface Fitted {
  readonly shape: Layout;
  /** The parameters of the best epoch. */
  readonly theta: Float32Array;
  readonly auprc: number;
  /** The best epoch (1-based) and how many ran. */
  readonly epoch: number;
  readonly epochsRun: number;
  /** The best epoch's validation probabilities. */
  readonly scores: Float32Array;
}

function shuffle(order: Uint32Array, rnd: Random): void {
  for (let i = order.length - 1; i > 0; i--) {
    const j = Math.floor(rnd.next() * (i + 1));
    const t = order[i]!;
    order[i] = order[j]!;
    order[j] = t;
  }
}

/** `x`, `xVal`: standardised rows, `width` floats each; `y`, `yVal`: 0/1 labels. Deterministic for a seed. */
export function fitMlp(
  x: Float32Array,
  y: Uint8Array,
  xVal: Float32Array,
  yVal: Uint8Array,
  width: number,
  o: FitOptions,
): Fitted {
  const shape = layout([width, ...o.hidden, 1]);
  const theta = initialParameters(shape, o.seed);
  const adam = new Adam(shape.parameters, o.learningRate);
  const scratch = scratchFor(shape);
  const rnd = new Random(o.seed);
  const order = Uint32Array.from({ length: y.length }, (_, i) => i);
  let scores = new Float32Array(yVal.length);
  const best = { theta: Float32Array.from(theta), auprc: -1, epoch: 0, scores: new Float32Array(yVal.length) };
  let epoch = 0;
  while (epoch < o.maxEpochs) {
    epoch++;
    const t0 = performance.now();
    shuffle(order, rnd);
    for (let from = 0; from < order.length; from += o.batchSize) {
      batchGradient(
        shape,
        theta,
        x,
        y,
        order,
        [from, Math.min(order.length, from + o.batchSize)],
        o.classWeight,
        scratch,
      );
      adam.apply(theta, scratch.grad);
    }
    predictInto(shape, theta, xVal, scores);
    const auprc = averagePrecision(scores, yVal);
    o.onEpoch?.({ epoch, auprc, ms: performance.now() - t0 });
    if (auprc > best.auprc) {
      // The two score buffers swap: the best epoch's stays, the other is overwritten next epoch.
      [best.scores, scores] = [scores, best.scores];
      best.theta.set(theta);
      best.auprc = auprc;
      best.epoch = epoch;
    } else if (epoch - best.epoch >= o.patience) break;
  }
  return { shape, theta: best.theta, auprc: best.auprc, epoch: best.epoch, epochsRun: epoch, scores: best.scores };
}
