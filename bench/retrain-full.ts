// Bench rows: the full retrain (`fraudflow retrain`, every family and the selection) on the ingested Handbook history,
// its wall time, CPU user time and peak RSS beside DuckDB's own scan of the same history into memory, in the same run.
import { copyFileSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
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

const row = (what: string, r: ChildRun, extra: Record<string, string | number> = {}) => ({
  case: what,
  wall_s: Number(r.seconds.toFixed(1)),
  cpu_user_s: r.cpuUserSeconds === null ? '' : Number(r.cpuUserSeconds.toFixed(1)),
  peak_rss_mb: r.peakRssMb,
  ...extra,
});

export async function fullRetrainRows(): Promise<Rows> {
  const source = handbookWarehouse();
  if (!source) return [{ case: 'full retrain on the Handbook history: skipped (no ../hb/data/warehouse.duckdb here)' }];
  const dir = mkdtempSync(join(tmpdir(), 'fraudflow-bench-retrain-'));
  try {
    copyFileSync(source, join(dir, 'warehouse.duckdb'));
    const scan = await runChild([
      '--import',
      'tsx',
      join(repo, 'bench/children/scan-history.ts'),
      join(dir, 'warehouse.duckdb'),
    ]);
    const env = { ...process.env, FRAUDFLOW_DATA_DIR: dir };
    const full = await runChild([join(repo, 'bin/fraudflow.js'), 'retrain', '--json'], env);
    const out = JSON.parse(full.stdout) as { manifest: { model: string; data: { train_rows: number } } };
    const ratio = (a: number, b: number) => `x${(a / b).toFixed(1)}`;
    return [
      row('baseline: DuckDB scan of the raw history into memory', scan, { rows: JSON.parse(scan.stdout).rows }),
      row(`fraudflow retrain, all families + selection (kept ${out.manifest.model})`, full, {
        rows: out.manifest.data.train_rows,
        vs_baseline: `${ratio(full.seconds, scan.seconds)} time, ${ratio(full.peakRssMb, scan.peakRssMb)} RSS (target < 60 s, < 1 GB)`,
      }),
    ];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
