// The broker is stopped in the middle of ingesting a large file and started again: every accepted row lands, repeats keep their id.
import { spawn, execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { KafkaEventLog } from '../../shared/eventlog/kafka.ts';
import { silentLogger } from '../../shared/logger.ts';
import { nextOffsets } from '../../shared/eventlog/port.ts';
import { writeKaggleCsv } from '../../shared/synth/kaggle.ts';
import type { IngestSummary } from '../../functions/ingest/ingest.ts';
import { tempDir } from '../helpers/tmp.ts';
import { waitFor } from '../helpers/wait.ts';
import { brokerAnswers, KAFKA_TEST_BROKERS, kafkaAvailable } from '../helpers/kafka.ts';

const repo = join(import.meta.dirname, '../..');
const dir = tempDir('fraudflow-outage-');
const broker = (action: 'up' | 'down') => execFileSync('bash', [join(repo, `deploy/local-kafka/${action}.sh`)], { stdio: 'inherit', env: process.env });

afterAll(async () => {
  // Whatever happened, leave the broker running for the rest of the suite.
  if (!(await brokerAnswers())) broker('up');
  dir.cleanup();
});

describe('ingest through a Kafka broker outage', () => {
  it('lands every accepted row once the broker is back; any repeat carries the same id', async (ctx) => {
    if (!(await kafkaAvailable('kafka broker outage'))) return ctx.skip();
    const rows = 150_000;
    const file = join(dir.path, `outage-${randomUUID().slice(0, 8)}.csv`);
    await writeKaggleCsv(file, rows, 7);
    const log = new KafkaEventLog({ brokers: KAFKA_TEST_BROKERS!.split(','), clientId: 'outage-check', ssl: false, replicationFactor: 1 }, silentLogger);
    const total = async () => (await log.describeTopic('transactions').catch(() => null))?.partitions.reduce((n, p) => n + p.highWatermark, 0) ?? 0;
    await log.ensureTopic({ name: 'transactions', partitions: 4 });
    const before = await total();
    await log.close();

    const child = spawn(process.execPath, [join(repo, 'bin/fraudflow.js'), 'ingest', file, '--json'], {
      env: { ...process.env, KAFKA_BROKERS: KAFKA_TEST_BROKERS, FRAUDFLOW_DATA_DIR: join(dir.path, 'data'), FRAUDFLOW_INGEST_BATCH: '2000' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    let err = '';
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const exited = new Promise<number>((resolve) => child.on('exit', (code) => resolve(code ?? -1)));

    const watcher = new KafkaEventLog({ brokers: KAFKA_TEST_BROKERS!.split(','), clientId: 'outage-watch', ssl: false, replicationFactor: 1 }, silentLogger);
    await waitFor(async () => (await total()) - before > rows * 0.1 || undefined, 'a tenth of the file to land', 60_000, 50);
    await watcher.close();
    broker('down');
    expect(await brokerAnswers()).toBe(false);
    broker('up');

    const code = await exited;
    expect(code, err.slice(-2000)).toBe(0);
    const [summary] = JSON.parse(out) as IngestSummary[];
    expect(summary!.accepted).toBe(rows);

    // Read everything this file put in the topic: every row id is there; any extra copy has an id already seen.
    const reader = new KafkaEventLog({ brokers: KAFKA_TEST_BROKERS!.split(','), clientId: 'outage-read', ssl: false, replicationFactor: 1 }, silentLogger);
    const consumer = await reader.consumer(`outage-${randomUUID()}`, 'transactions');
    const ids = new Set<string>();
    let copies = 0;
    const deadline = Date.now() + 120_000;
    while (ids.size < rows && Date.now() < deadline) {
      const batch = await consumer.poll({ maxRecords: 10_000, maxWaitMs: 2000 });
      for (const r of batch) {
        const v = JSON.parse(r.value.toString()) as { id: string; source: { file: string } };
        if (v.source.file !== file) continue;
        copies++;
        ids.add(v.id);
      }
      if (batch.length) await consumer.commit(nextOffsets(batch));
    }
    await consumer.close();
    await reader.close();
    expect(ids.size).toBe(rows);
    expect(copies).toBeGreaterThanOrEqual(rows);
  }, 240_000);
});
