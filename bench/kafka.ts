// Bench: ingest of the 284,807-row file into a real Kafka broker (kafkajs settings, @platformatic/kafka) beside Kafka's own Java producer and the embedded log, in one run.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { writeKaggleCsv, KAGGLE_ROWS } from '../shared/synth/kaggle.ts';
import { node22 } from './node22.ts';

interface Result {
  rows: number;
  read: number;
  rejected: number;
  duplicates: number;
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

/** The kafkajs settings the bench puts side by side: the adapter's defaults first. */
const KAFKAJS_CASES: Array<{ name: string; options?: { lanes?: number; maxPartitionBytes?: number } }> = [
  { name: 'defaults (2 lanes, 900 KiB per partition per request)' },
  { name: '4 lanes', options: { lanes: 4 } },
  { name: '2 lanes, 256 KiB per partition per request', options: { maxPartitionBytes: 256 * 1024 } },
];

// eslint-disable-next-line max-lines-per-function -- one run: the embedded log, then each Kafka client between two Java baselines
export async function run(options: { quick?: boolean } = {}): Promise<Array<Record<string, string | number>>> {
  const brokers = process.env.KAFKA_TEST_BROKERS ?? process.env.KAFKA_BROKERS;
  const dir = mkdtempSync(join(tmpdir(), 'fraudflow-bench-kafka-'));
  try {
    const file = join(dir, 'kaggle.csv');
    await writeKaggleCsv(file, KAGGLE_ROWS, 42);
    const last = (out: string) => JSON.parse(out.trim().split('\n').pop()!) as Result;
    const counted = (r: Result): Result => {
      if (r.read !== r.rows + r.rejected + r.duplicates || r.consumed !== r.rows)
        throw new Error(
          `kafka child: read ${r.read}, accepted ${r.rows}, consumed ${r.consumed}: counts do not add up`,
        );
      return r;
    };
    const child = (kind: string, target: string, tuning?: object): Result =>
      counted(
        last(
          execFileSync(
            process.execPath,
            [
              ...['--import', 'tsx', join(import.meta.dirname, 'children/kafka.ts'), kind, file, target],
              ...(tuning ? [JSON.stringify(tuning)] : []),
            ],
            { encoding: 'utf8' },
          ),
        ),
      );
    const rows: Array<Record<string, string | number>> = [];
    const add = (name: string, r: Result) => {
      const row: Record<string, string | number> = {
        log: name,
        rows: r.rows,
        ingest_s: Number(r.produceSeconds.toFixed(2)),
        ingest_rows_per_s: Math.round(r.rows / r.produceSeconds),
        consume_s: r.consumeSeconds ? Number(r.consumeSeconds.toFixed(2)) : '-',
        consume_rows_per_s: r.consumeSeconds ? Math.round(r.consumed / r.consumeSeconds) : '-',
        peak_rss_mb: r.peakRssMb,
        ingest_vs_baseline: '-',
      };
      rows.push(row);
      return row;
    };
    add('embedded (SQLite index + segments)', child('embedded', dir));
    if (!brokers) {
      rows.push({ log: 'kafka: skipped (set KAFKA_TEST_BROKERS after npm run kafka:up)' });
      return rows;
    }
    const broker = brokers.split(',')[0]!;
    // Kafka's figures drift with the machine's load: the Java baseline runs before, between and after the clients,
    // and each client's ratio is taken against the mean of the two baselines beside it.
    const java: Array<number | undefined> = [];
    const baseline = () => {
      const load = loadavg()[0]!.toFixed(1);
      const j = producerPerformance(broker, KAGGLE_ROWS);
      java.push(j?.perSecond);
      if (!j) return;
      rows.push({
        log: `baseline: Kafka's ProducerPerformance, ${RECORD_BYTES}-byte records, acks=all, idempotent, 256 KiB batches (load ${load})`,
        rows: KAGGLE_ROWS,
        ingest_s: Number(j.seconds.toFixed(2)),
        ingest_rows_per_s: Math.round(j.perSecond),
        ingest_vs_baseline: 1,
      });
    };
    const compare = (row: Record<string, string | number>) => {
      const beside = java.slice(-2).filter((x): x is number => x !== undefined);
      row.ingest_vs_baseline = beside.length
        ? Number((Number(row.ingest_rows_per_s) / (beside.reduce((a, b) => a + b, 0) / beside.length)).toFixed(2))
        : '-';
    };
    baseline();
    const cases = options.quick ? KAFKAJS_CASES.slice(0, 1) : KAFKAJS_CASES;
    for (const c of cases) {
      const row = add(
        `kafka ${brokers} (kafkajs, acks=all, idempotent): ${c.name}`,
        child('kafka', brokers, c.options),
      );
      baseline();
      compare(row);
    }
    const platformatic = platformaticIngest(file, brokers);
    if ('reason' in platformatic) rows.push({ log: `@platformatic/kafka: skipped (${platformatic.reason})` });
    else {
      const row = add(
        `kafka ${brokers} (@platformatic/kafka ${platformatic.version} on Node ${platformatic.node}, acks=all, idempotent, 4 lanes; ingest only, no consume)`,
        platformatic.result,
      );
      baseline();
      compare(row);
    }
    return rows;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The same ingest through @platformatic/kafka (it needs Node >= 22.22) in a child on Node 22; every row checked written. */
function platformaticIngest(
  file: string,
  brokers: string,
): { result: Result; node: string; version: string } | { reason: string } {
  const found = node22();
  if ('reason' in found) return found;
  const out = execFileSync(
    found.node,
    ['--import', 'tsx', join(import.meta.dirname, 'children/kafka-platformatic.ts'), file, brokers],
    { encoding: 'utf8' },
  );
  const r = JSON.parse(out.trim().split('\n').pop()!) as Result & { written: number; node: string; version: string };
  if (r.written !== r.rows || r.read !== r.rows + r.rejected + r.duplicates)
    throw new Error(`@platformatic/kafka child: ${r.rows} accepted of ${r.read} read, but ${r.written} in the topic`);
  return { result: { ...r, consumed: 0, consumeSeconds: 0 }, node: r.node, version: r.version };
}
