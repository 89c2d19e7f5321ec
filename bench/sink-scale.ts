// Bench: the sink's dedupe when the table already holds many rows: batches of envelopes appended to DuckDB tables of 1M and 2M rows.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDbWarehouse } from '../shared/warehouse/duckdb/duckdb.ts';
import { encodeRecords, valueAt } from '../functions/ingest/encode.ts';
import { detectFormat } from '../shared/schema/formats.ts';
import { KAGGLE_HEADER, kaggleRows } from '../shared/synth/kaggle.ts';

type Rows = Array<Record<string, string | number>>;

/** One sink batch's worth (8 MiB of Kaggle envelopes is about 7,000), `count` of them, of fresh ids. */
function batches(count: number, size: number): Uint8Array[][] {
  const detected = detectFormat(KAGGLE_HEADER, 'scale.csv');
  const lines = [...kaggleRows(count * size, 7)];
  return Array.from({ length: count }, (_, b) => {
    const input = lines
      .slice(b * size, (b + 1) * size)
      .map((raw, i) => ({ line: b * size + i + 2, raw, bytes: raw.length }));
    const block = encodeRecords(detected, input, 'scale.csv', new Date().toISOString(), {
      maxRecordBytes: 1 << 20,
      keepBytes: 4096,
    });
    return block.ids.map((_, i) => valueAt(block, i));
  });
}

const seconds = (since: number) => (performance.now() - since) / 1000;

/** `count` batches appended to a table that already holds `existing` rows: the old anti-join's dedupe beside the whole write. */
async function atSize(dir: string, existing: number, count: number, size: number): Promise<Rows> {
  const path = join(dir, `w-${existing}.duckdb`);
  let w = await DuckDbWarehouse.open(path);
  await w.ensureTables();
  // Rows of distinct ids, as an earlier sink would have left them (the payload columns stay NULL).
  for await (const _ of w.query(
    `INSERT INTO transactions (id, schema_name, schema_version, source_file, source_line, ingested_at) ` +
      `SELECT substr(md5(i::VARCHAR), 1, 32), 'kaggle', 1, 'old.csv', i, now() FROM range(${existing}) r(i)`,
  ));
  await w.close();
  w = await DuckDbWarehouse.open(path);
  let started: number;
  const work = batches(count, size);
  const legacy: number[] = [];
  const appends: number[] = [];
  for (const values of work) {
    // The anti-join the sink ran before, against the table's own id strings (read only, the same batch's ids).
    const ids = values.map((v) => `('${JSON.parse(Buffer.from(v).toString('utf8')).id as string}')`).join(',');
    started = performance.now();
    for await (const _ of w.query(
      `SELECT count(*) FROM (VALUES ${ids}) s(id) WHERE NOT EXISTS (SELECT 1 FROM transactions t WHERE t.id = s.id)`,
    ));
    legacy.push(seconds(started));
    started = performance.now();
    const r = await w.appendEnvelopes('transactions', 'kaggle', values);
    appends.push(seconds(started));
    if (r.inserted !== values.length) throw new Error(`sink-scale: ${r.inserted} of ${values.length} inserted`);
  }
  // A batch read again (a crash between the write and the commit): every id is a hit, so the anti-join runs.
  started = performance.now();
  const again = await w.appendEnvelopes('transactions', 'kaggle', work[work.length - 1]!);
  const reread = seconds(started);
  if (again.inserted !== 0) throw new Error(`sink-scale: ${again.inserted} rows of a re-read batch inserted`);
  await w.close();
  const avg = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  const row = (name: string, xs: number[]) => ({
    case: name,
    table_rows: existing.toLocaleString('en'),
    batch_rows: size,
    batches: xs.length,
    seconds_per_batch: Number(avg(xs).toFixed(3)),
    vs_baseline: `${Math.round((100 * avg(legacy)) / avg(xs))}%`,
  });
  return [
    row(`baseline: NOT EXISTS against the id strings (dedupe only)`, legacy),
    row(`appendEnvelopes, first batch of a run (builds the id set from the table)`, appends.slice(0, 1)),
    row(`appendEnvelopes, later batches (JSON load + id set + insert, no scan)`, appends.slice(1)),
    row(`appendEnvelopes of a batch already there (every id a hit: anti-join)`, [reread]),
  ];
}

export async function run(options: { quick?: boolean } = {}): Promise<Rows> {
  const dir = mkdtempSync(join(tmpdir(), 'fraudflow-bench-sink-scale-'));
  try {
    const rows: Rows = [];
    for (const existing of options.quick ? [1_000_000] : [1_000_000, 2_000_000])
      rows.push(...(await atSize(dir, existing, options.quick ? 4 : 10, 7000)));
    return rows;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
