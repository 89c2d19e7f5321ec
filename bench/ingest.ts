// Bench: CSV parsers side by side, and ingest into the embedded log beside a read-and-split baseline, at 1x and 10x size.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeKaggleCsv, KAGGLE_ROWS } from '../shared/synth/kaggle.ts';
import { runChild } from './child-process.ts';
import { cliMode, FRAUDFLOW } from './cli.ts';

interface ChildResult {
  rows: number;
  seconds: number;
  peakRssMb: number;
}

function child(mode: string, file: string, dir: string, workers = 0): ChildResult & { wall: number } {
  const started = performance.now();
  const out = execFileSync(
    process.execPath,
    ['--import', 'tsx', join(import.meta.dirname, 'children/ingest.ts'), mode, file, dir, String(workers)],
    { encoding: 'utf8', maxBuffer: 1 << 20 },
  );
  return { ...(JSON.parse(out.trim().split('\n').pop()!) as ChildResult), wall: (performance.now() - started) / 1000 };
}

/** `fraudflow ingest <file>` as a user runs it, timed whole (start-up, runtime, durable produce, exit). */
async function cliIngest(file: string, dir: string): Promise<{ rows: number; seconds: number; peakRssMb: number }> {
  const env = { ...process.env, FRAUDFLOW_DATA_DIR: join(dir, `cli-${Date.now()}`) };
  const r = await runChild([FRAUDFLOW, 'ingest', file, '--json'], env);
  const summaries = JSON.parse(r.stdout) as Array<{ accepted: number }>;
  return { rows: summaries.reduce((n, s) => n + s.accepted, 0), seconds: r.seconds, peakRssMb: r.peakRssMb };
}

export async function run(options: { scale10x?: boolean } = {}): Promise<Array<Record<string, string | number>>> {
  const dir = mkdtempSync(join(tmpdir(), 'fraudflow-bench-ingest-'));
  try {
    const rows: Array<Record<string, string | number>> = [];
    const sizes = options.scale10x === false ? [1] : [1, 10];
    for (const scale of sizes) {
      const file = join(dir, `kaggle-${scale}x.csv`);
      await writeKaggleCsv(file, KAGGLE_ROWS * scale, 42);
      const mb = Math.round(statSync(file).size / 1e6);
      const base = child('baseline', file, dir);
      const add = (name: string, r: ChildResult) =>
        rows.push({
          case: name,
          size: `${scale}x (${mb} MB)`,
          rows: r.rows,
          seconds: Number(r.seconds.toFixed(2)),
          rows_per_s: Math.round(r.rows / r.seconds),
          vs_baseline: `${Math.round((100 * base.seconds) / r.seconds)}%`,
          peak_rss_mb: r.peakRssMb,
        });
      add('baseline: read + split lines', base);
      if (scale === 1) {
        add('parse only: csv-parse', child('csv-parse', file, dir));
        add('parse only: papaparse (chunked)', child('papaparse', file, dir));
        add('parse only: fraudflow splitter', child('splitter', file, dir));
        add('ingest -> embedded log, in-thread', child('ingest', file, dir, 0));
      }
      add('ingest -> embedded log, 2 workers', child('ingest', file, dir, 2));
      if (scale === 1) {
        // Whole processes, start-up included, against the baseline's whole process.
        const cli = await cliIngest(file, dir);
        rows.push({
          case: `fraudflow ingest (${cliMode()}), whole process`,
          size: `${scale}x (${mb} MB)`,
          rows: cli.rows,
          seconds: Number(cli.seconds.toFixed(2)),
          rows_per_s: Math.round(cli.rows / cli.seconds),
          vs_baseline: `${Math.round((100 * base.wall) / cli.seconds)}% of the baseline's whole process (${base.wall.toFixed(2)} s)`,
          peak_rss_mb: cli.peakRssMb,
        });
      }
      rmSync(file, { force: true });
    }
    return rows;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
