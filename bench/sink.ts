// Bench: `fraudflow sink` of 284,807 Kaggle rows (embedded log -> DuckDB, validated, deduped, durable) as a whole process, beside DuckDB's own read_csv of the same data.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeKaggleCsv, KAGGLE_ROWS } from '../shared/synth/kaggle.ts';
import { loadConfig } from '../shared/config.ts';
import type { TopicSummary } from '../functions/sink/sink.ts';
import { runChild } from './child-process.ts';
import { cliMode, FRAUDFLOW } from './cli.ts';

export async function run(): Promise<Array<Record<string, string | number>>> {
  const dir = mkdtempSync(join(tmpdir(), 'fraudflow-bench-sink-'));
  try {
    const file = join(dir, 'kaggle.csv');
    await writeKaggleCsv(file, KAGGLE_ROWS, 42);
    const env = { ...process.env, FRAUDFLOW_DATA_DIR: join(dir, 'data') };
    const base = await runChild([join(import.meta.dirname, 'children/read-csv.js'), file, dir]);
    const baseline = JSON.parse(base.stdout) as { rows: number; seconds: number };
    await runChild([FRAUDFLOW, 'ingest', file, '--json'], env);
    const sunk = await runChild([FRAUDFLOW, 'sink', '--topics', 'transactions', '--json'], env);
    const [summary] = JSON.parse(sunk.stdout) as TopicSummary[];
    const config = loadConfig({});
    return [
      {
        case: "baseline: node + DuckDB read_csv into a table (the process's peak)",
        rows: baseline.rows,
        seconds: Number(base.seconds.toFixed(2)),
        rows_per_s: Math.round(baseline.rows / baseline.seconds),
        peak_rss_mb: base.peakRssMb,
        rss_vs_baseline: '100%',
      },
      {
        case: `fraudflow sink (${cliMode()}), ${config.sinkBatchBytes >> 20} MiB batches, DuckDB memory limit ${config.sink.duckdbMemoryLimit}: whole process`,
        rows: summary!.rows,
        seconds: Number(sunk.seconds.toFixed(2)),
        rows_per_s: Math.round(summary!.rows / (summary!.elapsed_ms / 1000)),
        peak_rss_mb: sunk.peakRssMb,
        rss_vs_baseline: `${Math.round((100 * sunk.peakRssMb) / base.peakRssMb)}%`,
      },
    ];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
