// Bench: model quality on real data. The Handbook protocol (the real `fraudflow retrain` with defaults, its families,
// the published figures, scikit-learn / XGBoost on the same exported matrix, the prequential feature ablation) and the
// ULB sample (time-ordered split, AP also reweighted to the real base rate: an estimate). Skips what data is absent.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { handbookRows } from './quality-handbook.ts';
import { table } from '../cli/output.ts';

type Rows = Array<Record<string, string | number>>;
const repo = join(import.meta.dirname, '..');
const bin = join(repo, 'bin/fraudflow.js');
const venv = join(repo, 'bench/out/venv');
const python = join(venv, 'bin/python');
const ULB = 'creditcard-ulb/creditcard_sample_492fraud_5000normal.csv';
/** The full ULB set's normals over the sample's: each sampled normal stands for this many. */
const NORMAL_WEIGHT = 284_315 / 5_000;

/** The comparison's Python: a virtualenv of its own, made once, with the pinned packages of bench/python/requirements.txt. */
function ensureVenv(): void {
  try {
    if (execFileSync(python, ['-c', 'import sklearn, xgboost; print("ok")'], { encoding: 'utf8' }).trim() === 'ok')
      return;
  } catch {
    // not made yet
  }
  process.stderr.write(
    'bench quality: creating bench/out/venv and installing numpy, scikit-learn, xgboost from PyPI\n',
  );
  try {
    execFileSync('python3', ['-m', 'venv', venv], { stdio: 'inherit' });
  } catch (e) {
    throw new Error(
      `bench quality needs python3 with its venv module (Debian: apt-get install python3-venv): ${(e as Error).message}`,
      {
        cause: e,
      },
    );
  }
  execFileSync(join(venv, 'bin/pip'), ['install', '-q', '-r', join(repo, 'bench/python/requirements.txt')], {
    stdio: 'inherit',
  });
}

function sharedFile(rel: string): string | null {
  for (const base of ['../shared/data', '../../shared/data']) {
    const f = join(repo, base, rel);
    if (existsSync(f)) return f;
  }
  return null;
}

function fraudflow(args: string[], env: Record<string, string>): string {
  return execFileSync(process.execPath, [bin, ...args], {
    env: { ...process.env, ...env },
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
    maxBuffer: 1 << 28,
  });
}

interface UlbOut {
  train_rows: number;
  train_frauds: number;
  validation_rows: number;
  validation_frauds: number;
  models: Array<{ model: string; auprc: number; auprc_reweighted: number; roc_auc: number }>;
}

/** The ULB sample ingested, `fraudflow retrain --format kaggle` (time-ordered fraction split), and the references. */
export function ulbRows(dir: string): Rows {
  const file = sharedFile(ULB);
  if (!file) return [{ model: `ULB sample: skipped (no ../shared/data/${ULB})` }];
  const env = { FRAUDFLOW_DATA_DIR: join(dir, 'ulb'), FRAUDFLOW_LOG_LEVEL: 'ERROR' };
  fraudflow(['ingest', file, '--json'], env);
  fraudflow(['sink', '--json'], env);
  const r = JSON.parse(fraudflow(['retrain', '--format', 'kaggle', '--json'], env)) as {
    version: string;
    manifest: { model: string };
  };
  execFileSync(process.execPath, ['--import', 'tsx', join(repo, 'bench/children/ulb-split.ts'), r.version, dir], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const py = JSON.parse(
    execFileSync(
      python,
      [
        join(repo, 'bench/python/ulb.py'),
        join(dir, 'ulb-train.csv'),
        join(dir, 'ulb-validation.csv'),
        String(NORMAL_WEIGHT),
      ],
      { encoding: 'utf8' },
    )
      .trim()
      .split('\n')
      .pop()!,
  ) as UlbOut;
  const data = `ULB sample (492 frauds + 5,000 normals), by Time: ${py.train_rows} train (${py.train_frauds} frauds), ${py.validation_rows} validation (${py.validation_frauds})`;
  return py.models.map((m, i) => ({
    model: i === 0 ? `fraudflow retrain --format kaggle, kept: ${r.manifest.model}` : m.model,
    test_auc: m.roc_auc.toFixed(3),
    test_ap: m.auprc.toFixed(3),
    ap_at_real_base_rate_estimate: m.auprc_reweighted.toFixed(3),
    note:
      i === 0 ? `${data}; reweighted: each normal x ${NORMAL_WEIGHT.toFixed(2)} (an estimate)` : 'same split, this run',
  }));
}

export async function run(): Promise<Rows> {
  ensureVenv();
  const dir = mkdtempSync(join(tmpdir(), 'fraudflow-bench-quality-'));
  try {
    const hb = await handbookRows(join(dir), python);
    const ulb = ulbRows(dir);
    // Three tables of their own columns, rendered here; the bench prints them as one column of lines.
    const parts: Array<[string, Rows]> = [
      ['Handbook protocol: train 2018-07-25..07-31, delay 7 days, test 08-08..08-14', hb.rows],
      ['Prequential feature ablation (GBDT, retrain default; mean ± sd over the folds; delta vs v1)', hb.ablation],
      ['ULB sample, time-ordered split', ulb],
    ];
    return parts.flatMap(([title, rows]) => [title, ...table(rows).split('\n'), ''].map((line) => ({ quality: line })));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
