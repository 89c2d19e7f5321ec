// Retrain's matrices: standardised in one pass over the history's rows, exactly what scaling a gathered copy gives.
import { describe, expect, it } from 'vitest';
import { Random } from '../../shared/synth/random.ts';
import { applyScaler, fitScaler } from '../../shared/model/scaler.ts';
import { gatherRows, matrices } from '../../functions/retrain/matrix.ts';
import type { Dataset } from '../../functions/retrain/dataset.ts';

describe('retrain matrices', () => {
  it('scale the split rows in place to the same floats and statistics as fitScaler and applyScaler on a copy', () => {
    const rnd = new Random(21);
    const width = 6;
    const rows = 5000;
    const features = Float32Array.from({ length: rows * width }, (_, i) =>
      i % width === 3 ? 7 : rnd.normal(i % 5, 3),
    );
    const data: Dataset = {
      features,
      width,
      labels: Uint8Array.from({ length: rows }, () => (rnd.next() < 0.05 ? 1 : 0)),
      time: Float64Array.from({ length: rows }, (_, i) => i),
      rows,
      spec: { name: 't', version: 1, names: ['a', 'b', 'c', 'd', 'e', 'f'] },
    };
    const pick = (n: number) => Uint32Array.from({ length: n }, () => rnd.int(0, rows)).sort();
    const split = { train: pick(3000), test: pick(800) };
    const extra = pick(300);
    const m = matrices(data, split, [extra]);
    const copy = gatherRows(features, width, split.train);
    const scaler = fitScaler(copy, width, [0, split.train.length]);
    expect(m.scaler).toEqual(scaler);
    expect(scaler.std[3]).toBe(1); // a constant column divides by 1, not 0
    const scaled = (r: Uint32Array) => applyScaler(gatherRows(features, width, r), width, [0, r.length], scaler);
    expect(m.xTrain).toEqual(scaled(split.train));
    expect(m.xTest).toEqual(scaled(split.test));
    expect(m.extra[0]).toEqual(scaled(extra));
    expect(Array.from(m.yTest)).toEqual(Array.from(split.test, (i) => data.labels[i]));
  });
});
