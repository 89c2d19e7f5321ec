// Bench: the simulator at 1M and 10M rows (memory must stay flat), offline features, online features per transaction
// (SQLite, then Redis: see features-redis.ts).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { simulateDays } from '../shared/simulator/generate.ts';
import { offlineFeatures } from '../shared/features/raw/offline.ts';
import { computeAndRecord } from '../shared/features/raw/compute.ts';
import { SqliteFeatureState } from '../shared/features/raw/sqlite/sqlite-state.ts';
import { redisRows } from './features-redis.ts';
import { v2Rows } from './features-v2.ts';

// eslint-disable-next-line max-lines-per-function -- the bench's rows in the order the table prints them, each beside its baseline
export async function run(options: { quick?: boolean } = {}): Promise<Array<Record<string, string | number>>> {
  const dir = mkdtempSync(join(tmpdir(), 'fraudflow-bench-features-'));
  const rows: Array<Record<string, string | number>> = [];
  try {
    // ~9,700 transactions a day per 5,000 customers (handbook scale).
    // Same population, 10x the days: memory must not grow with the length of the run.
    const sizes: Array<[string, number, number]> = options.quick
      ? [['1M', 5000, 103]]
      : [
          ['1M', 5000, 103],
          ['10M', 5000, 1030],
        ];
    for (const [label, customers, days] of sizes) {
      const out = execFileSync(
        process.execPath,
        [
          '--import',
          'tsx',
          join(import.meta.dirname, 'children/simulate.ts'),
          join(dir, `${label}.csv`),
          String(customers),
          String(days),
        ],
        { encoding: 'utf8' },
      );
      const s = JSON.parse(out.trim()) as {
        rows: number;
        elapsed_ms: number;
        rows_per_s: number;
        peak_rss_mb: number;
        fraud_rate: number;
      };
      rows.push({
        case: `simulate ${label} (${customers} customers, ${days} days)`,
        rows: s.rows,
        seconds: s.elapsed_ms / 1000,
        rows_per_s: s.rows_per_s,
        p50_ms: '',
        p99_ms: '',
        peak_rss_mb: s.peak_rss_mb,
        target: '',
      });
      rmSync(join(dir, `${label}.csv`), { force: true });
    }
    const month = [
      ...simulateDays({ customers: 5000, terminals: 10_000, days: 30, seed: 2, startDate: '2026-04-01' }),
    ].flat();
    let t = performance.now();
    let n = 0;
    for await (const _ of offlineFeatures(month)) n++;
    let s = (performance.now() - t) / 1000;
    rows.push({
      case: 'offline features (in-memory state)',
      rows: n,
      seconds: Number(s.toFixed(2)),
      rows_per_s: Math.round(n / s),
      p50_ms: '',
      p99_ms: '',
      peak_rss_mb: Math.round(process.memoryUsage().rss / 2 ** 20),
      target: '',
    });
    const state = new SqliteFeatureState(join(dir, 'state.sqlite'));
    const lat: number[] = [];
    t = performance.now();
    for (const tx of month.slice(0, options.quick ? 20_000 : 100_000)) {
      const t0 = performance.now();
      await computeAndRecord(tx, state);
      lat.push(performance.now() - t0);
    }
    s = (performance.now() - t) / 1000;
    await state.close();
    lat.sort((a, b) => a - b);
    rows.push({
      case: 'online features, one at a time (SQLite state)',
      rows: lat.length,
      seconds: Number(s.toFixed(2)),
      rows_per_s: Math.round(lat.length / s),
      p50_ms: Number(lat[Math.floor(lat.length * 0.5)]!.toFixed(3)),
      p99_ms: Number(lat[Math.floor(lat.length * 0.99)]!.toFixed(3)),
      peak_rss_mb: '',
      target: '',
    });
    rows.push(...(await v2Rows(dir, month, options)));
    rows.push(...(await redisRows(dir, options)));
    return rows;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
