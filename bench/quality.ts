// Bench: a full retrain (the real command, on the warehouse's history) and its models' quality beside scikit-learn's
// logistic regression and XGBoost, trained in Python (a private virtualenv from PyPI) on the very same time split.
// Kaggle format: ../shared/data/creditcard.csv when it is there (the real ULB set), else 284,807 generated rows.
// Raw format: the handbook simulator's transactions through fraudflow's behavioural features.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeKaggleCsv, KAGGLE_ROWS } from '../shared/synth/kaggle.ts';

type Rows = Array<Record<string, string | number>>;
const repo = join(import.meta.dirname, '..');
const bin = join(repo, 'bin/fraudflow.js');
const venv = join(repo, 'bench/out/venv');
const python = join(venv, 'bin/python');

interface RetrainOut {
  elapsed_ms: number;
  manifest: {
    model: string;
    metrics: { auprc: number; roc_auc: number };
    candidates: Array<{ model: string; auprc: number; epochs: number }>;
    data: { train_rows: number; validation_rows: number; train_frauds: number; validation_frauds: number };
  };
}
interface PythonOut {
  models: Array<{ model: string; seconds: number; auprc: number; roc_auc: number }>;
}

/** The comparison's Python: a virtualenv of its own, made once, with the pinned packages of bench/python/requirements.txt. */
function ensureVenv(): void {
  if (
    existsSync(python) &&
    execFileSync(python, ['-c', 'import sklearn, xgboost; print("ok")'], { encoding: 'utf8' }).trim() === 'ok'
  )
    return;
  process.stderr.write(
    'bench quality: creating bench/out/venv and installing numpy, scikit-learn, xgboost from PyPI (first run only)\n',
  );
  try {
    execFileSync('python3', ['-m', 'venv', venv], { stdio: 'inherit' });
  } catch (e) {
    throw new Error(
      `bench quality needs python3 with its venv module (Debian: apt-get install python3-venv); the other modules run without it: ${(e as Error).message}`,
      { cause: e },
    );
  }
  execFileSync(join(venv, 'bin/pip'), ['install', '-q', '-r', join(repo, 'bench/python/requirements.txt')], {
    stdio: 'inherit',
  });
}

function fraudflow(args: string[], env: Record<string, string>): string {
  return execFileSync(process.execPath, [bin, ...args], {
    env: { ...process.env, ...env },
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
    maxBuffer: 1 << 28,
  });
}

// eslint-disable-next-line max-lines-per-function -- one comparison table: fraudflow's models, the published figures and the references, row by row
async function compare(format: 'kaggle' | 'raw', file: string, dataName: string, dir: string): Promise<Rows> {
  const env = { FRAUDFLOW_DATA_DIR: join(dir, `data-${format}`), FRAUDFLOW_LOG_LEVEL: 'ERROR' };
  fraudflow(['ingest', file, '--json'], env);
  fraudflow(['sink', '--json'], env);
  const started = performance.now();
  const r = JSON.parse(fraudflow(['retrain', '--format', format, '--json'], env)) as RetrainOut;
  const wall = (performance.now() - started) / 1000;
  execFileSync(
    process.execPath,
    ['--import', 'tsx', join(import.meta.dirname, 'children/export-split.ts'), format, dir],
    { env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'inherit'] },
  );
  const py = JSON.parse(
    execFileSync(python, [join(repo, 'bench/python/compare.py'), join(dir, 'train.csv'), join(dir, 'validation.csv')], {
      encoding: 'utf8',
    })
      .trim()
      .split('\n')
      .pop()!,
  ) as PythonOut;
  const d = r.manifest.data;
  const data = `${dataName}: ${d.train_rows} train (${d.train_frauds} frauds), ${d.validation_rows} validation (${d.validation_frauds})`;
  const rows: Rows = [
    {
      data,
      model: `fraudflow retrain (LR + MLP, kept: ${r.manifest.model})`,
      auprc: r.manifest.metrics.auprc.toFixed(4),
      roc_auc: r.manifest.metrics.roc_auc.toFixed(4),
      seconds: `${wall.toFixed(1)} (whole command; core ${(r.elapsed_ms / 1000).toFixed(1)})`,
      target: '< 60 s',
    },
  ];
  for (const c of r.manifest.candidates)
    rows.push({
      data: '',
      model: `  candidate ${c.model} (best epoch ${c.epochs})`,
      auprc: c.auprc.toFixed(4),
      roc_auc: '',
      seconds: '',
      target: '',
    });
  for (const m of py.models)
    rows.push({
      data: '',
      model: m.model,
      auprc: m.auprc.toFixed(4),
      roc_auc: m.roc_auc.toFixed(4),
      seconds: m.seconds.toFixed(1),
      target: '',
    });
  const xgb = py.models.filter((m) => m.model.startsWith('XGBoost')).reduce((a, b) => (b.auprc > a.auprc ? b : a));
  const lr = Math.max(...py.models.filter((m) => m.model.startsWith('scikit-learn')).map((m) => m.auprc));
  const ours = r.manifest.metrics.auprc;
  rows.push({
    data: '',
    model: 'verdict',
    auprc: `${(ours - xgb.auprc >= 0 ? '+' : '') + (ours - xgb.auprc).toFixed(4)} vs best XGBoost, ${(ours - lr >= 0 ? '+' : '') + (ours - lr).toFixed(4)} vs best sklearn LR`,
    roc_auc: '',
    seconds: '',
    target: `within 0.02 of XGBoost: ${xgb.auprc - ours <= 0.02 ? 'yes' : 'NO'}; above LR: ${ours > lr ? 'yes' : 'NO'}`,
  });
  return rows;
}

export async function run(options: { quick?: boolean } = {}): Promise<Rows> {
  ensureVenv();
  const dir = mkdtempSync(join(tmpdir(), 'fraudflow-bench-quality-'));
  try {
    const real = join(repo, '../shared/data/creditcard.csv');
    let kaggle = real;
    let name = 'Kaggle/ULB creditcard.csv';
    if (!existsSync(real)) {
      kaggle = join(dir, 'kaggle.csv');
      const n = options.quick ? 60_000 : KAGGLE_ROWS;
      await writeKaggleCsv(kaggle, n, 42);
      name = `generated Kaggle-format, ${n} rows (no ../shared/data/creditcard.csv here)`;
    }
    const rows = await compare('kaggle', kaggle, name, dir);
    const raw = join(dir, 'raw.csv');
    const days = options.quick ? '45' : '90';
    const sim = JSON.parse(
      fraudflow(
        [
          'generate',
          '--customers',
          '2000',
          '--terminals',
          '4000',
          '--days',
          days,
          '--seed',
          '1',
          '--out',
          raw,
          '--json',
        ],
        {},
      ),
    ) as { rows: number };
    rows.push(...(await compare('raw', raw, `simulated raw, ${sim.rows} transactions over ${days} days`, dir)));
    return rows;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
