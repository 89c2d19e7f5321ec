// A consumer killed after processing a batch but before committing it: the next consumer of the group reads that batch again.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { EmbeddedEventLog } from '../../shared/eventlog/embedded/embedded.ts';
import { KafkaEventLog } from '../../shared/eventlog/kafka/kafka.ts';
import { silentLogger } from '../../shared/logger.ts';
import type { EventLog } from '../../shared/eventlog/port.ts';
import { tempDir } from '../helpers/tmp.ts';
import { KAFKA_TEST_BROKERS, kafkaAvailable } from '../helpers/kafka.ts';

const dir = tempDir('fraudflow-crash-');
afterAll(() => dir.cleanup());
const child = join(import.meta.dirname, '../helpers/children/consume-no-commit.ts');

function firstBatchOfChild(
  kind: string,
  target: string,
  topic: string,
  group: string,
): Promise<{ batch: Array<[number, number]>; kill: () => Promise<void> }> {
  const proc = spawn(process.execPath, ['--import', 'tsx', child, kind, target, topic, group], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = new Promise<void>((resolve) => proc.on('exit', () => resolve()));
  return new Promise((resolve, reject) => {
    let out = '';
    proc.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const nl = out.indexOf('\n');
      if (nl !== -1)
        resolve({
          batch: JSON.parse(out.slice(0, nl)) as Array<[number, number]>,
          kill: async () => {
            proc.kill('SIGKILL');
            await exited;
          },
        });
    });
    proc.on('exit', (code) => reject(new Error(`consumer child exited (${code}) before reporting a batch`)));
  });
}

async function rereadsAfterKill(kind: string, target: string, log: EventLog): Promise<void> {
  const topic = `crash-${randomUUID().slice(0, 8)}`;
  const group = `g-${randomUUID().slice(0, 8)}`;
  await log.ensureTopic({ name: topic, partitions: 1 });
  await log.produce(
    topic,
    Array.from({ length: 120 }, (_, i) => ({ key: 'k', value: String(i) })),
  );
  const first = await firstBatchOfChild(kind, target, topic, group);
  expect(first.batch.length).toBeGreaterThan(0);
  await first.kill();
  expect(await log.committedOffsets(group, topic)).toEqual([]);
  const again = await log.consumer(group, topic);
  const deadline = Date.now() + 45_000;
  let batch: Array<[number, number]> = [];
  while (batch.length === 0 && Date.now() < deadline)
    batch = (await again.poll({ maxRecords: 50, maxWaitMs: 1000 })).map((r) => [r.partition, r.offset]);
  await again.close();
  expect(batch.slice(0, first.batch.length)).toEqual(first.batch);
}

describe('crash between processing and commit', () => {
  it('embedded log: the next consumer of the group re-reads the uncommitted batch', async () => {
    const path = join(dir.path, 'crash.sqlite');
    const log = new EmbeddedEventLog({ path, leaseMs: 1_500 });
    try {
      await rereadsAfterKill('embedded', path, log);
    } finally {
      await log.close();
    }
  });

  it('kafka: the next consumer of the group re-reads the uncommitted batch', async (ctx) => {
    if (!(await kafkaAvailable('crash before commit: kafka'))) return ctx.skip();
    const log = new KafkaEventLog(
      { brokers: KAFKA_TEST_BROKERS!.split(','), clientId: 'crash-test', ssl: false, replicationFactor: 1 },
      silentLogger,
      { sessionTimeoutMs: 6_000 },
    );
    try {
      await rereadsAfterKill('kafka', KAFKA_TEST_BROKERS!, log);
    } finally {
      await log.close();
    }
  }, 90_000);
});
