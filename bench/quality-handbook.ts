// Bench rows, Handbook protocol: the real `fraudflow retrain` (defaults; train 7 / delay 7 / test 7 days to 2018-08-14),
// each family refitted as its final fit, the published baseline and model-selection figures, the Python references on
// the same exported matrix, and the prequential feature ablation on the windows before the test window.
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runChild } from './child-process.ts';
import type { AblationRow } from '../functions/retrain/ablation.ts';
import type { ModelManifest } from '../shared/schema/model-manifest.ts';

type Rows = Array<Record<string, string | number>>;
const repo = join(import.meta.dirname, '..');
const bin = join(repo, 'bin/fraudflow.js');
const END = '2018-08-14';
const RAW = 'fraud-handbook-sim/raw_2018-04-01_to_2018-09-30.csv.gz';

/** Published in the Handbook: Chapter 3 "Baseline modeling" (SOURCE.md) and Chapter 5 "Model selection" (issue 18). */
const PUBLISHED = [
  { model: 'Handbook baseline: logistic regression', auc: 0.871, ap: 0.606, cp: 0.291 },
  { model: 'Handbook baseline: random forest', auc: 0.867, ap: 0.658, cp: 0.287 },
  { model: 'Handbook baseline: XGBoost', auc: 0.862, ap: 0.639, cp: 0.273 },
  { model: 'Handbook after model selection: random forest', auc: null, ap: 0.678, cp: 0.299 },
  { model: 'Handbook after model selection: XGBoost', auc: null, ap: 0.687, cp: 0.303 },
];

const f3 = (v: number | null | undefined) => (v === null || v === undefined ? '' : v.toFixed(3));
const pm = (s: { mean: number | null; sd: number | null } | null | undefined) =>
  s && s.mean !== null ? `${s.mean.toFixed(3)} ± ${(s.sd ?? 0).toFixed(3)}` : '';
const signed = (v: number | null) => (v === null ? '' : `${v >= 0 ? '+' : ''}${v.toFixed(3)}`);

/** The ingested Handbook warehouse (../hb/data), copied; else the raw CSV ingested and sunk here; else null. */
function handbookData(dir: string): string | null {
  for (const base of ['../hb/data', '../../hb/data']) {
    const f = join(repo, base, 'warehouse.duckdb');
    if (existsSync(f)) {
      copyFileSync(f, join(dir, 'warehouse.duckdb'));
      return dir;
    }
  }
  for (const base of ['../shared/data', '../../shared/data']) {
    const f = join(repo, base, RAW);
    if (!existsSync(f)) continue;
    const env = { ...process.env, FRAUDFLOW_DATA_DIR: dir, FRAUDFLOW_LOG_LEVEL: 'ERROR' };
    execFileSync(process.execPath, [bin, 'ingest', f, '--json'], { env, stdio: ['ignore', 'ignore', 'inherit'] });
    execFileSync(process.execPath, [bin, 'sink', '--json'], { env, stdio: ['ignore', 'ignore', 'inherit'] });
    return dir;
  }
  return null;
}

interface Family {
  model: string;
  detail: string;
  auprc: number;
  roc_auc: number;
  cp100: number;
}
interface Reference {
  models: Array<{ model: string; auprc: number; roc_auc: number; cp100: number; seconds: number }>;
}

// eslint-disable-next-line max-lines-per-function -- one table: the run, its families, the published rows and the references in order
export async function handbookRows(dir: string, python: string): Promise<{ rows: Rows; ablation: Rows }> {
  const data = handbookData(dir);
  if (!data) {
    const skipped = [
      { model: `Handbook protocol: skipped (no ../hb/data/warehouse.duckdb, no ../shared/data/${RAW})` },
    ];
    return { rows: skipped, ablation: skipped };
  }
  const env = { ...process.env, FRAUDFLOW_DATA_DIR: data, FRAUDFLOW_LOG_LEVEL: 'ERROR' };
  const args = ['retrain', '--train-days', '7', '--delay-days', '7', '--test-days', '7', '--end', END, '--json'];
  const run = await runChild([bin, ...args], env);
  const manifest = (JSON.parse(run.stdout) as { manifest: ModelManifest }).manifest;
  const manifestFile = join(dir, 'manifest.json');
  writeFileSync(manifestFile, JSON.stringify(manifest));
  const fam = await runChild(
    [
      '--import',
      'tsx',
      join(repo, 'bench/children/handbook-families.ts'),
      join(data, 'warehouse.duckdb'),
      manifestFile,
      dir,
    ],
    env,
  );
  const families = (JSON.parse(fam.stdout) as { families: Family[] }).families;
  const g = manifest.gbdt;
  const params = join(dir, 'params.json');
  if (g)
    writeFileSync(
      params,
      JSON.stringify({
        rounds: g.trees,
        learning_rate: g.learning_rate,
        max_depth: g.max_depth,
        max_leaves: g.max_leaves,
        lambda: g.lambda,
        min_child_weight: g.min_child_weight,
        scale_pos_weight: g.scale_pos_weight,
      }),
    );
  const py = JSON.parse(
    execFileSync(
      python,
      [join(repo, 'bench/python/handbook.py'), join(dir, 'train.csv'), join(dir, 'test.csv'), ...(g ? [params] : [])],
      { encoding: 'utf8', maxBuffer: 1 << 24 },
    )
      .trim()
      .split('\n')
      .pop()!,
  ) as Reference;
  const d = manifest.data;
  const sel = manifest.selection?.candidates ?? [];
  const preq = (model: string) => sel.filter((c) => c.model === model || c.model.startsWith(`${model} `));
  const bestPreq = (model: string) =>
    preq(model).reduce<(typeof sel)[number] | undefined>(
      (b, c) => (!b || (c.auprc.mean ?? -1) > (b.auprc.mean ?? -1) ? c : b),
      undefined,
    );
  const rows: Rows = [
    {
      model: `fraudflow retrain, kept: ${manifest.model} (features v${manifest.feature_spec.version}; ${d.train_rows} train / ${d.train_frauds} frauds, ${d.validation_rows} test / ${d.validation_frauds})`,
      test_auc: f3(manifest.metrics.roc_auc),
      test_ap: f3(manifest.metrics.auprc),
      test_cp100: f3(manifest.metrics.card_precision_at_100),
      prequential_ap: pm(bestPreq(manifest.model)?.auprc),
      prequential_cp100: pm(bestPreq(manifest.model)?.card_precision_at_100),
      note: `target AP >= 0.70: ${(manifest.metrics.auprc ?? 0) >= 0.7 ? 'yes' : 'NO'}; CP@100 >= 0.31: ${(manifest.metrics.card_precision_at_100 ?? 0) >= 0.31 ? 'yes' : 'NO'}; ${run.seconds.toFixed(0)} s, ${run.peakRssMb} MB`,
    },
  ];
  for (const f of families) {
    const p = bestPreq(f.model);
    rows.push({
      model: `  fraudflow ${f.model}${f.model === manifest.model ? ' (kept)' : ''}: ${f.detail.slice(0, 70)}`,
      test_auc: f3(f.roc_auc),
      test_ap: f3(f.auprc),
      test_cp100: f3(f.cp100),
      prequential_ap: pm(p?.auprc),
      prequential_cp100: pm(p?.card_precision_at_100),
      note: `refitted as the final fit; folds ${manifest.selection?.folds ?? 0}`,
    });
  }
  for (const p of PUBLISHED)
    rows.push({
      model: p.model,
      test_auc: f3(p.auc),
      test_ap: f3(p.ap),
      test_cp100: f3(p.cp),
      prequential_ap: '',
      prequential_cp100: '',
      note: 'published',
    });
  for (const m of py.models)
    rows.push({
      model: m.model,
      test_auc: f3(m.roc_auc),
      test_ap: f3(m.auprc),
      test_cp100: f3(m.cp100),
      prequential_ap: '',
      prequential_cp100: '',
      note: `same exported matrix, this run, ${m.seconds.toFixed(1)} s`,
    });
  return { rows, ablation: await ablationRows(join(data, 'warehouse.duckdb'), manifest.selection?.folds ?? 4) };
}

/** The ablation with retrain's GBDT (one configuration) on the same folds the retrain selected on. */
async function ablationRows(warehouse: string, folds: number): Promise<Rows> {
  const r = await runChild([
    '--import',
    'tsx',
    join(repo, 'bench/children/ablation.ts'),
    warehouse,
    END,
    String(folds),
    'gbdt',
    'one',
  ]);
  const out = JSON.parse(r.stdout) as { folds: Array<[string, string]>; rows: AblationRow[] };
  const windows = out.folds.map(([a, b]) => `${a.slice(5)}..${b.slice(5)}`).join(', ');
  return out.rows.map((x, i) => ({
    features: x.set,
    width: x.width,
    learner: x.model,
    folds: x.folds,
    ap: pm(x.auprc),
    delta_ap_vs_v1: signed(x.deltaAuprc),
    cp100: pm(x.cp100),
    delta_cp100_vs_v1: signed(x.deltaCp100),
    windows: i === 0 ? `prequential test windows ${windows} (the reported ${END} window never used)` : '',
  }));
}
