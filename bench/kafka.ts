// Bench: ingest of the 284,807-row file into a real Kafka broker and end-to-end consume, beside the embedded log in the same run.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { writeKaggleCsv, KAGGLE_ROWS } from '../shared/synth/kaggle.ts';

interface Result {
  rows: number;
  produceSeconds: number;
  consumed: number;
  consumeSeconds: number;
  peakRssMb: number;
}

const RECORD_BYTES = 700;
const CLI = join(import.meta.dirname, '../deploy/local-kafka/cli.sh');

/** Kafka's own Java producer on the same broker and a fresh 4-partition topic; null when the jars are not here. */
function producerPerformance(broker: string, records: number): { seconds: number; perSecond: number } | null {
  const topic = `bench-java-${randomUUID().slice(0, 8)}`;
  const java = (cls: string, args: string[]) => execFileSync(CLI, [cls, ...args], { encoding: 'utf8', stdio: 'pipe' });
  try {
    java('TopicCommand', ['--bootstrap-server', broker, '--create', '--topic', topic, '--partitions', '4']);
    const out = java('ProducerPerformance', [
      ...['--topic', topic, '--num-records', String(records), '--record-size', String(RECORD_BYTES)],
      ...['--throughput', '-1', '--producer-props', `bootstrap.servers=${broker}`, 'acks=all'],
      ...['enable.idempotence=true', 'batch.size=262144', 'linger.ms=5'],
    ]);
    const last = /(\d+) records sent, ([\d.]+) records\/sec/.exec(out.trim().split('\n').pop()!);
    if (!last) return null;
    return { seconds: Number(last[1]) / Number(last[2]), perSecond: Number(last[2]) };
  } catch {
    return null;
  } finally {
    try {
      java('TopicCommand', ['--bootstrap-server', broker, '--delete', '--topic', topic]);
    } catch {
      // a topic left behind is harmless: its name is unique
    }
  }
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
    if (brokers) {
      add(`kafka ${brokers} (kafkajs, acks=all, idempotent)`, child('kafka', brokers));
      const java = producerPerformance(brokers.split(',')[0]!, KAGGLE_ROWS);
      if (java)
        rows.push({
          log: `baseline: Kafka's ProducerPerformance, ${RECORD_BYTES}-byte records, acks=all, idempotent, 256 KiB batches`,
          rows: KAGGLE_ROWS,
          ingest_s: Number(java.seconds.toFixed(2)),
          ingest_rows_per_s: Math.round(java.perSecond),
          ingest_vs_baseline: '100%',
        });
      const kafkaRow = rows[rows.length - (java ? 2 : 1)]!;
      if (java)
        kafkaRow.ingest_vs_baseline = `${Math.round((100 * Number(kafkaRow.ingest_rows_per_s)) / java.perSecond)}%`;
    } else rows.push({ log: 'kafka: skipped (set KAFKA_TEST_BROKERS after npm run kafka:up)' });
    return rows;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
