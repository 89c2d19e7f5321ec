// Bench: fraudflow's GBDT beside XGBoost and scikit-learn's HistGradientBoosting on the Fraud Detection Handbook window.
// The same matrix for all (the handbook's 15 engineered features; train 2018-07-25..07-31, test 2018-08-08..08-14, the
// plain days: the handbook's removal of cards known compromised is not applied), the same hyper-parameters.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { averagePrecision, rocAuc } from '../shared/metrics/ranking.ts';
import { trainGbdt, type GbdtParams } from '../shared/model/gbdt/boost.ts';
import { forestScorer } from '../shared/model/gbdt/compile.ts';

type Rows = Array<Record<string, string | number>>;
const repo = join(import.meta.dirname, '..');
const venv = join(repo, 'bench/out/venv');
const python = join(venv, 'bin/python');
const FILE = 'fraud-handbook-sim/transformed_2018-07-25_to_2018-08-14.csv.gz';

/** The hyper-parameters all three libraries get (no early stopping: a fixed number of trees). */
export const MATCHED: Partial<GbdtParams> & Pick<GbdtParams, 'rounds' | 'learningRate' | 'maxDepth' | 'maxLeaves'> = {
  rounds: 200,
  learningRate: 0.1,
  maxDepth: 6,
  maxLeaves: 64,
  lambda: 1,
  minChildWeight: 1,
  maxBins: 256,
  scalePosWeight: 1,
  earlyStoppingRounds: 0,
};

export interface Matrix {
  readonly x: Float32Array;
  readonly y: Uint8Array;
}
export interface HandbookWindow {
  readonly names: string[];
  readonly train: Matrix;
  readonly test: Matrix;
}

/** The shared data folder (beside the main checkout, or two levels up from a worktree), or null. */
export function handbookFile(): string | null {
  for (const base of ['../shared/data', '../../shared/data']) {
    const f = join(repo, base, FILE);
    if (existsSync(f)) return f;
  }
  return null;
}

/** The venv's python when it has scikit-learn and XGBoost, else null. */
export function referencePython(): string | null {
  try {
    return execFileSync(python, ['-c', 'import sklearn, xgboost; print("ok")'], { encoding: 'utf8' }).trim() === 'ok'
      ? python
      : null;
  } catch {
    return null;
  }
}

/** TX_AMOUNT and the 14 engineered columns, days by TX_DATETIME's date: the handbook's 15 input features. */
export function handbookWindow(file: string): HandbookWindow {
  const lines = gunzipSync(readFileSync(file)).toString('utf8').split('\n');
  const head = lines[0]!.split(',');
  const names = ['TX_AMOUNT', ...head.slice(head.indexOf('TX_DURING_WEEKEND'))];
  const cols = names.map((n) => head.indexOf(n));
  const date = head.indexOf('TX_DATETIME');
  const label = head.indexOf('TX_FRAUD');
  const parts = { train: { x: [] as number[], y: [] as number[] }, test: { x: [] as number[], y: [] as number[] } };
  for (let i = 1; i < lines.length; i++) {
    if (!lines[i]) continue;
    const c = lines[i]!.split(',');
    const day = c[date]!.slice(0, 10);
    const part =
      day >= '2018-07-25' && day <= '2018-07-31'
        ? parts.train
        : day >= '2018-08-08' && day <= '2018-08-14'
          ? parts.test
          : null;
    if (!part) continue;
    for (const k of cols) part.x.push(Number(c[k]));
    part.y.push(c[label] === '1' ? 1 : 0);
  }
  const matrix = (p: { x: number[]; y: number[] }) => ({ x: Float32Array.from(p.x), y: Uint8Array.from(p.y) });
  return { names, train: matrix(parts.train), test: matrix(parts.test) };
}

function writeCsv(path: string, names: string[], m: Matrix): void {
  const w = names.length;
  const out = [[...names, 'label'].join(',')];
  // Float32 values printed as their shortest double form: Python reads back the very same float32.
  for (let r = 0; r < m.y.length; r++) out.push([...m.x.subarray(r * w, (r + 1) * w), m.y[r]].join(','));
  writeFileSync(path, out.join('\n') + '\n');
}

export interface Reference {
  models: Array<{ model: string; seconds: number; auprc: number; roc_auc: number }>;
}

/** XGBoost and HistGradientBoosting trained in Python on this matrix with `params`. */
export function referenceModels(py: string, window: HandbookWindow, params: typeof MATCHED): Reference {
  const dir = join(repo, 'bench/out/gbdt');
  mkdirSync(dir, { recursive: true });
  writeCsv(join(dir, 'train.csv'), window.names, window.train);
  writeCsv(join(dir, 'test.csv'), window.names, window.test);
  writeFileSync(
    join(dir, 'params.json'),
    JSON.stringify({
      rounds: params.rounds,
      learning_rate: params.learningRate,
      max_depth: params.maxDepth,
      max_leaves: params.maxLeaves,
      lambda: params.lambda,
      min_child_weight: params.minChildWeight,
      max_bins: params.maxBins,
      scale_pos_weight: params.scalePosWeight,
    }),
  );
  const out = execFileSync(
    py,
    [
      join(repo, 'bench/python/gbdt_reference.py'),
      ...['train.csv', 'test.csv', 'params.json'].map((f) => join(dir, f)),
    ],
    { encoding: 'utf8', maxBuffer: 1 << 24 },
  );
  return JSON.parse(out.trim().split('\n').pop()!) as Reference;
}

/** Ours on the window: test AP and AUC, wall and CPU seconds of training, peak RSS of this process. */
export function ours(window: HandbookWindow, params: Partial<GbdtParams>) {
  const width = window.names.length;
  const rssBefore = process.memoryUsage().rss;
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const b = trainGbdt(window.train.x, window.train.y, width, params);
  const seconds = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  const scores = forestScorer(b.forest).predict(window.test.x);
  return {
    boosted: b,
    auprc: averagePrecision(scores, window.test.y),
    roc_auc: rocAuc(scores, window.test.y),
    seconds,
    cpuSeconds: (cpu.user + cpu.system) / 1e6,
    rssBeforeMb: Math.round(rssBefore / 2 ** 20),
    peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
  };
}

/** The training rows repeated to `rows` (each copy's amounts nudged): seconds per round at the full history's size. */
function scaled(window: HandbookWindow, rows: number, rounds: number) {
  const w = window.names.length;
  const n = window.train.y.length;
  const x = new Float32Array(rows * w);
  const y = new Uint8Array(rows);
  for (let r = 0; r < rows; r++) {
    x.set(window.train.x.subarray((r % n) * w, ((r % n) + 1) * w), r * w);
    x[r * w] = x[r * w]! + Math.floor(r / n) * 0.01;
    y[r] = window.train.y[r % n]!;
  }
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  trainGbdt(x, y, w, { ...MATCHED, rounds });
  const cpu = process.cpuUsage(cpu0);
  return { seconds: (performance.now() - t0) / 1000, cpuSeconds: (cpu.user + cpu.system) / 1e6 };
}

export async function run(options: { quick?: boolean; scale10x?: boolean } = {}): Promise<Rows> {
  const file = handbookFile();
  if (!file) throw new Error(`bench gbdt needs the handbook data (../shared/data/${FILE}); not found`);
  const window = handbookWindow(file);
  const data = `handbook ${window.train.y.length} train / ${window.test.y.length} test rows, 15 features`;
  const params = `${MATCHED.rounds} trees, eta ${MATCHED.learningRate}, depth ${MATCHED.maxDepth}, ${MATCHED.maxLeaves} leaves, lambda 1, mcw 1, 256 bins`;
  const o = ours(window, MATCHED);
  const rows: Rows = [
    {
      data,
      model: 'fraudflow GBDT',
      params,
      test_auprc: o.auprc.toFixed(4),
      test_roc_auc: o.roc_auc.toFixed(4),
      seconds: `${o.seconds.toFixed(1)} (cpu ${o.cpuSeconds.toFixed(1)})`,
      peak_rss_mb: `${o.peakRssMb} (${o.rssBeforeMb} before training)`,
      ap_gap: '',
      target: '',
    },
  ];
  const py = referencePython();
  if (!py) rows.push({ data: '', model: 'XGBoost / HistGradientBoosting: skipped (no bench/out/venv)' });
  else
    for (const m of referenceModels(py, window, MATCHED).models)
      rows.push({
        data: '',
        model: m.model,
        params: 'same',
        test_auprc: m.auprc.toFixed(4),
        test_roc_auc: m.roc_auc.toFixed(4),
        seconds: m.seconds.toFixed(1),
        peak_rss_mb: '',
        ap_gap: (o.auprc - m.auprc).toFixed(4),
        target: Math.abs(o.auprc - m.auprc) <= 0.01 ? 'within 0.01: yes' : 'within 0.01: NO',
      });
  if (!options.quick) {
    const n = 1_750_000;
    const s = scaled(window, n, 20);
    rows.push({
      data: `training rows repeated to ${n} rows`,
      model: 'fraudflow GBDT, 20 trees',
      params: 'same',
      seconds: `${s.seconds.toFixed(1)} (cpu ${s.cpuSeconds.toFixed(1)}; ${(s.seconds / 20).toFixed(2)} s a tree)`,
      peak_rss_mb: Math.round(process.resourceUsage().maxRSS / 1024),
    });
  }
  return rows;
}
