// Bench rows: the full retrain (`fraudflow retrain`, every family and the selection) on the ingested Handbook history,
// defaults and the Handbook's protocol, wall, CPU and peak RSS beside DuckDB's own scan of the same history, in one run.
import { copyFileSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { runChild, type ChildRun } from './child-process.ts';

type Rows = Array<Record<string, string | number>>;
const repo = join(import.meta.dirname, '..');

/** The Handbook's 1,754,155 transactions ingested and sunk (ingest + sink of ../shared/data/fraud-handbook-sim). */
function handbookWarehouse(): string | null {
  for (const base of ['../hb/data', '../../hb/data']) {
    const f = join(repo, base, 'warehouse.duckdb');
    if (existsSync(f)) return f;
  }
  return null;
}

/** The 2-core machine is shared: the 1-minute load average at the start and end of a run says how far wall time is CPU time. */
const load = () => loadavg()[0]!.toFixed(1);

const row = (what: string, r: ChildRun & { load: string }, extra: Record<string, string | number> = {}) => ({
  case: what,
  wall_s: Number(r.seconds.toFixed(1)),
  cpu_user_s: r.cpuUserSeconds === null ? '' : Number(r.cpuUserSeconds.toFixed(1)),
  peak_rss_mb: r.peakRssMb,
  load_1m: r.load,
  ...extra,
});

async function measured(args: string[], env?: NodeJS.ProcessEnv): Promise<ChildRun & { load: string }> {
  const before = load();
  const r = await runChild(args, env);
  return { ...r, load: `${before} -> ${load()}` };
}

/** The Handbook's protocol run of issue 18 (train 07-25..07-31, delay 7 days, test 08-08..08-14). */
const PROTOCOL = ['--train-days', '7', '--delay-days', '7', '--test-days', '7', '--end', '2018-08-14'];

interface Out {
  manifest: {
    model: string;
    metrics: { auprc: number | null; roc_auc: number | null; card_precision_at_100?: number | null };
    data: { train_rows: number };
  };
}

const quality = (o: Out) =>
  `${o.manifest.model}: AP ${o.manifest.metrics.auprc?.toFixed(3)}, AUC ${o.manifest.metrics.roc_auc?.toFixed(3)}, CP@100 ${o.manifest.metrics.card_precision_at_100?.toFixed(3) ?? '-'}`;

export async function fullRetrainRows(): Promise<Rows> {
  const source = handbookWarehouse();
  if (!source) return [{ case: 'full retrain on the Handbook history: skipped (no ../hb/data/warehouse.duckdb here)' }];
  const dir = mkdtempSync(join(tmpdir(), 'fraudflow-bench-retrain-'));
  try {
    copyFileSync(source, join(dir, 'warehouse.duckdb'));
    const scan = await measured([
      '--import',
      'tsx',
      join(repo, 'bench/children/scan-history.ts'),
      join(dir, 'warehouse.duckdb'),
    ]);
    const env = { ...process.env, FRAUDFLOW_DATA_DIR: dir };
    const retrain = (args: string[]) => measured([join(repo, 'bin/fraudflow.js'), 'retrain', '--json', ...args], env);
    const full = await retrain([]);
    const protocol = await retrain(PROTOCOL);
    const ratio = (a: number, b: number) => `x${(a / b).toFixed(1)}`;
    const vs = (r: ChildRun) =>
      `${ratio(r.seconds, scan.seconds)} time, ${ratio(r.peakRssMb, scan.peakRssMb)} RSS (target < 60 s, < 1 GB)`;
    const [a, b] = [JSON.parse(full.stdout) as Out, JSON.parse(protocol.stdout) as Out];
    return [
      row('baseline: DuckDB scan of the raw history into memory', scan, { rows: JSON.parse(scan.stdout).rows }),
      row(`fraudflow retrain, defaults (kept ${quality(a)})`, full, {
        rows: a.manifest.data.train_rows,
        vs_baseline: vs(full),
      }),
      row(`fraudflow retrain ${PROTOCOL.join(' ')} (kept ${quality(b)})`, protocol, {
        rows: b.manifest.data.train_rows,
        vs_baseline: vs(protocol),
      }),
    ];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** `npm run bench -- retrain-full`: these rows alone (bench train prints them after its own). */
export const run = fullRetrainRows;
