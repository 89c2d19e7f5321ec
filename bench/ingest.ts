// Bench: CSV parsers side by side, and ingest into the embedded log beside a read-and-split baseline, at 1x and 10x size.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeKaggleCsv, KAGGLE_ROWS } from '../shared/synth/kaggle.ts';

interface ChildResult {
  rows: number;
  seconds: number;
  peakRssMb: number;
}

function child(mode: string, file: string, dir: string, workers = 0): ChildResult {
  const out = execFileSync(
    process.execPath,
    ['--import', 'tsx', join(import.meta.dirname, 'children/ingest.ts'), mode, file, dir, String(workers)],
    { encoding: 'utf8', maxBuffer: 1 << 20 },
  );
  return JSON.parse(out.trim().split('\n').pop()!) as ChildResult;
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
      rmSync(file, { force: true });
    }
    return rows;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
