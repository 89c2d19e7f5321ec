// Bench: ingest of the 284,807-row file into a real Kafka broker and end-to-end consume, beside the embedded log in the same run.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeKaggleCsv, KAGGLE_ROWS } from '../shared/synth/kaggle.ts';

interface Result {
  rows: number;
  produceSeconds: number;
  consumed: number;
  consumeSeconds: number;
  peakRssMb: number;
}

export async function run(): Promise<Array<Record<string, string | number>>> {
  const brokers = process.env.KAFKA_TEST_BROKERS ?? process.env.KAFKA_BROKERS;
  const dir = mkdtempSync(join(tmpdir(), 'fraudflow-bench-kafka-'));
  try {
    const file = join(dir, 'kaggle.csv');
    await writeKaggleCsv(file, KAGGLE_ROWS, 42);
    const child = (kind: string, target: string): Result =>
      JSON.parse(
        execFileSync(
          process.execPath,
          ['--import', 'tsx', join(import.meta.dirname, 'children/kafka.ts'), kind, file, target],
          { encoding: 'utf8' },
        )
          .trim()
          .split('\n')
          .pop()!,
      ) as Result;
    const rows: Array<Record<string, string | number>> = [];
    const add = (name: string, r: Result) =>
      rows.push({
        log: name,
        rows: r.rows,
        ingest_s: Number(r.produceSeconds.toFixed(2)),
        ingest_rows_per_s: Math.round(r.rows / r.produceSeconds),
        consume_s: Number(r.consumeSeconds.toFixed(2)),
        consume_rows_per_s: Math.round(r.consumed / r.consumeSeconds),
        peak_rss_mb: r.peakRssMb,
      });
    add('embedded (SQLite index + segments)', child('embedded', dir));
    if (brokers) add(`kafka ${brokers} (kafkajs, acks=all, idempotent)`, child('kafka', brokers));
    else rows.push({ log: 'kafka: skipped (set KAFKA_TEST_BROKERS after npm run kafka:up)' });
    return rows;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
