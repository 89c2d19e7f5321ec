// The broker is stopped in the middle of ingesting a large file and started again: every accepted row lands, repeats keep their id.
import { spawn, execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { KafkaEventLog } from '../../shared/eventlog/kafka/kafka.ts';
import { silentLogger } from '../../shared/logger.ts';
import { nextOffsets } from '../../shared/eventlog/port.ts';
import { writeKaggleCsv } from '../../shared/synth/kaggle.ts';
import type { IngestSummary } from '../../functions/ingest/ingest.ts';
import { tempDir } from '../helpers/tmp.ts';
import { waitFor } from '../helpers/wait.ts';
import { brokerAnswers, KAFKA_TEST_BROKERS, kafkaAvailable } from '../helpers/kafka.ts';

const repo = join(import.meta.dirname, '../..');
const dir = tempDir('fraudflow-outage-');
// up.sh / down.sh act on the broker of KAFKA_PORT and FRAUDFLOW_KAFKA_HOME from this environment: the one under test.
const broker = (action: 'up' | 'down') =>
  execFileSync('bash', [join(repo, `deploy/local-kafka/${action}.sh`)], { stdio: 'inherit', env: process.env });
const open = (clientId: string) =>
  new KafkaEventLog(
    { brokers: KAFKA_TEST_BROKERS!.split(','), clientId, ssl: false, replicationFactor: 1 },
    silentLogger,
  );

afterAll(async () => {
  // Whatever happened, leave the broker running for the rest of the suite.
  if (!(await brokerAnswers())) broker('up');
  dir.cleanup();
});

describe('ingest through a Kafka broker outage', () => {
  it('lands every accepted row once the broker is back; any repeat carries the same id', async (ctx) => {
    if (!(await kafkaAvailable('kafka broker outage'))) return ctx.skip();
    const rows = 200_000;
    const file = join(dir.path, `outage-${randomUUID().slice(0, 8)}.csv`);
    await writeKaggleCsv(file, rows, 7);
    const watcher = open('outage-watch');
    await watcher.ensureTopic({ name: 'transactions', partitions: 4 });
    const landed = async () =>
      (await watcher.describeTopic('transactions')).partitions.reduce((n, p) => n + p.highWatermark, 0);
    const before = await landed();

    // The real CLI path, in its own process: config from the environment, runtime, ingest core, Kafka adapter.
    const child = spawn(process.execPath, [join(repo, 'bin/fraudflow.js'), 'ingest', file, '--json'], {
      env: {
        ...process.env,
        KAFKA_BROKERS: KAFKA_TEST_BROKERS,
        FRAUDFLOW_DATA_DIR: join(dir.path, 'data'),
        FRAUDFLOW_INGEST_BATCH: '2000',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const exited = new Promise<number>((resolve) => child.on('exit', (code) => resolve(code ?? -1)));
    try {
      await waitFor(
        async () => (await landed()) - before > rows * 0.1 || undefined,
        'a tenth of the file to land',
        60_000,
        50,
      );
      await watcher.close();
      broker('down');
      expect(await brokerAnswers()).toBe(false);
      broker('up');
      const code = await exited;
      expect(
        code,
        err
          .split('\n')
          .filter((l) => !l.includes('"kafkajs: '))
          .join('\n')
          .slice(-2000),
      ).toBe(0);
    } finally {
      child.kill('SIGKILL');
      await watcher.close();
    }
    const [summary] = JSON.parse(out) as IngestSummary[];
    expect(summary!.accepted).toBe(rows);
    // The outage was noticed and retried through, not missed.
    expect(err).toMatch(/kafka: produce failed, retrying/);

    // Read the whole topic, to its end. Each line of the file is there, every copy of a line carries the same id,
    // and distinct ids are exactly the accepted rows.
    const reader = open('outage-read');
    const end = (await reader.describeTopic('transactions')).partitions.reduce(
      (n, p) => n + p.highWatermark - p.lowWatermark,
      0,
    );
    const consumer = await reader.consumer(`outage-${randomUUID()}`, 'transactions');
    let read = 0;
    const idOfLine = new Map<number, string>();
    const ids = new Set<string>();
    let copies = 0;
    let mismatched = 0;
    const deadline = Date.now() + 120_000;
    try {
      while (read < end && Date.now() < deadline) {
        const batch = await consumer.poll({ maxRecords: 10_000, maxWaitMs: 2000 });
        read += batch.length;
        for (const r of batch) {
          const v = JSON.parse(r.value.toString()) as { id: string; source: { file: string; line: number } };
          if (v.source.file !== file) continue;
          copies++;
          const seen = idOfLine.get(v.source.line);
          if (seen === undefined) idOfLine.set(v.source.line, v.id);
          else if (seen !== v.id) mismatched++;
          ids.add(v.id);
        }
        if (batch.length) await consumer.commit(nextOffsets(batch));
      }
    } finally {
      await consumer.close();
      await reader.close();
    }
    expect(idOfLine.size).toBe(rows);
    expect(mismatched).toBe(0);
    expect(ids.size).toBe(summary!.accepted);
    expect(copies).toBeGreaterThanOrEqual(rows);
  }, 240_000);
});
