// Bench: training time per epoch of logistic regression and the MLP on 284,807 generated Kaggle rows; prediction latency and throughput.
import { kaggleMatrix, KAGGLE_ROWS } from '../shared/synth/kaggle.ts';
import { KAGGLE_FEATURES } from '../shared/features/kaggle.ts';
import { fitScaler, applyScaler } from '../shared/model/scaler.ts';
import { tfReady } from '../shared/model/tf-backend.ts';
import { loadedModel } from '../shared/model/scorer.ts';
import type { ModelManifest } from '../shared/schema/model-manifest.ts';
import { timeSplit } from '../functions/retrain/split.ts';
import { trainModel, type ModelKind } from '../functions/retrain/train.ts';
import { fullRetrainRows } from './retrain-full.ts';

type Rows = Array<Record<string, string | number>>;

/** What the issue measured on this machine before the code existed (tfjs pure-JS CPU backend). */
const BASELINE: Record<string, string> = {
  'logistic-regression': '~1.3 s per Adam epoch',
  mlp: '~2.9 s/epoch',
  single: 'p50 ~0.07 ms',
};

const quantile = (sorted: number[], q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
const mb = () => Math.round(process.memoryUsage().rss / 2 ** 20);

// eslint-disable-next-line max-lines-per-function -- the bench's rows in the order the table prints them, each beside its baseline
export async function run(options: { quick?: boolean } = {}): Promise<Rows> {
  await tfReady();
  const n = options.quick ? 50_000 : KAGGLE_ROWS;
  const epochs = options.quick ? 1 : 3;
  const rows: Rows = [];
  const row = (r: Record<string, string | number>) =>
    rows.push({
      case: '',
      rows: '',
      epochs: '',
      s_per_epoch: '',
      rows_per_s: '',
      p50_ms: '',
      p99_ms: '',
      val_auprc: '',
      rss_mb: '',
      baseline: '',
      // The full-retrain rows (retrain-full.ts): a child process each, measured from outside.
      wall_s: '',
      cpu_user_s: '',
      peak_rss_mb: '',
      load_1m: '',
      vs_baseline: '',
      ...r,
    });
  const t0 = performance.now();
  const d = kaggleMatrix(n, 42);
  row({
    case: 'generate + features',
    rows: n,
    rows_per_s: Math.round(n / ((performance.now() - t0) / 1000)),
    rss_mb: mb(),
  });
  const split = timeSplit(d.time, { validationFraction: 0.2, gapSeconds: 0 });
  const scaler = fitScaler(d.features, d.width, split.train);
  const x = applyScaler(d.features, d.width, split.train, scaler);
  const xVal = applyScaler(d.features, d.width, split.validation, scaler);
  const y = d.labels.subarray(...split.train);
  const yVal = d.labels.subarray(...split.validation);
  const trained: Partial<Record<ModelKind, Awaited<ReturnType<typeof trainModel>>>> = {};
  for (const kind of ['logistic-regression', 'mlp'] as const) {
    const times: number[] = [];
    // Patience above the epoch count: every epoch runs, so the figure is the cost of one.
    const t = await trainModel(x, y, xVal, yVal, d.width, {
      kind,
      maxEpochs: epochs,
      patience: epochs + 1,
      seed: 42,
      onEpoch: (e) => times.push(e.ms),
    });
    const mean = times.reduce((a, b) => a + b, 0) / times.length / 1000;
    const what =
      kind === 'mlp'
        ? 'mlp (epoch incl. validation AUPRC)'
        : 'logistic-regression (one Newton fit to convergence; 2 fits: balanced, unweighted)';
    row({
      case: `train ${what}`,
      rows: y.length,
      epochs: times.length,
      s_per_epoch: Number(mean.toFixed(2)),
      rows_per_s: Math.round(y.length / mean),
      val_auprc: Number(t.auprc.toFixed(4)),
      rss_mb: mb(),
      baseline: BASELINE[kind]!,
    });
    trained[kind] = t;
  }
  for (const kind of ['logistic-regression', 'mlp'] as const) {
    const t = trained[kind]!;
    const manifest = { version: `bench-${kind}`, feature_spec: KAGGLE_FEATURES, scaler } as unknown as ModelManifest;
    const model = loadedModel(t.model, manifest);
    const rawVal = d.features.subarray(split.validation[0] * d.width, split.validation[1] * d.width);
    const one = (i: number) => [rawVal.subarray((i % yVal.length) * d.width, ((i % yVal.length) + 1) * d.width)];
    for (let i = 0; i < 200; i++) model.predict(one(i)); // warm-up
    const lat: number[] = [];
    for (let i = 0; i < 3000; i++) {
      const s = performance.now();
      model.predict(one(i));
      lat.push(performance.now() - s);
    }
    lat.sort((a, b) => a - b);
    row({
      case: `predict ${kind}, 1 row`,
      rows: lat.length,
      p50_ms: Number(quantile(lat, 0.5).toFixed(3)),
      p99_ms: Number(quantile(lat, 0.99).toFixed(3)),
      baseline: kind === 'mlp' ? BASELINE.single! : '',
    });
    const batch = Array.from({ length: 1000 }, (_, i) => one(i)[0]!);
    const bl: number[] = [];
    for (let r = 0; r < 30; r++) {
      const s = performance.now();
      model.predict(batch);
      bl.push(performance.now() - s);
    }
    bl.sort((a, b) => a - b);
    row({
      case: `predict ${kind}, batches of 1,000`,
      rows: 30 * 1000,
      rows_per_s: Math.round(1000 / (quantile(bl, 0.5) / 1000)),
      p50_ms: Number(quantile(bl, 0.5).toFixed(2)),
      p99_ms: Number(quantile(bl, 0.99).toFixed(2)),
    });
    const s = performance.now();
    model.predict(Array.from({ length: yVal.length }, (_, i) => rawVal.subarray(i * d.width, (i + 1) * d.width)));
    row({
      case: `predict ${kind}, whole validation window`,
      rows: yVal.length,
      rows_per_s: Math.round(yVal.length / ((performance.now() - s) / 1000)),
    });
    model.dispose();
  }
  // The whole retrain at the Handbook's scale (minutes): not in --quick.
  if (!options.quick) for (const r of await fullRetrainRows()) row(r);
  return rows;
}
