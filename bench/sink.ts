// Bench: sink 284,807 Kaggle rows from the embedded log into DuckDB (validated, deduped, durable), beside DuckDB's own read_csv of the same data.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeKaggleCsv, KAGGLE_ROWS } from '../shared/synth/kaggle.ts';
import { loadConfig } from '../shared/config.ts';

interface Result {
  rows: number;
  seconds: number;
  cpuSeconds: number;
  peakRssMb: number;
  inserted?: number;
}

export async function run(): Promise<Array<Record<string, string | number>>> {
  const dir = mkdtempSync(join(tmpdir(), 'fraudflow-bench-sink-'));
  try {
    const file = join(dir, 'kaggle.csv');
    await writeKaggleCsv(file, KAGGLE_ROWS, 42);
    const child = (mode: string): Result[] =>
      JSON.parse(
        execFileSync(
          process.execPath,
          ['--import', 'tsx', join(import.meta.dirname, 'children/sink.ts'), mode, file, dir],
          { encoding: 'utf8' },
        )
          .trim()
          .split('\n')
          .pop()!,
      ) as Result[];
    const [base] = child('read_csv');
    const [first, again] = child('sink');
    const row = (name: string, r: Result) => ({
      case: name,
      rows: r.rows,
      seconds: Number(r.seconds.toFixed(2)),
      rows_per_s: Math.round(r.rows / r.seconds),
      cpu_s: Number(r.cpuSeconds.toFixed(2)),
      vs_baseline: `${Math.round((100 * base!.seconds) / r.seconds)}%`,
      peak_rss_mb: r.peakRssMb,
    });
    const batch = loadConfig({}).sink.batch;
    return [
      row('baseline: DuckDB read_csv into a table', base!),
      row(`sink: embedded log -> DuckDB, ${batch / 1000}k per transaction`, first!),
      row('sink again: same messages, every id already there', again!),
    ];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
