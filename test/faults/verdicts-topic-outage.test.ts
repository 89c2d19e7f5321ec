// A verdict is not lost when the verdicts topic is briefly unavailable: the publish retries through a broker outage.
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { KafkaEventLog } from '../../shared/eventlog/kafka/kafka.ts';
import { silentLogger } from '../../shared/logger.ts';
import { nextOffsets } from '../../shared/eventlog/port.ts';
import { publishVerdicts } from '../../shared/scoring/score.ts';
import type { Verdict } from '../../shared/schema/verdict.ts';
import { brokerAnswers, KAFKA_TEST_BROKERS, kafkaAvailable } from '../helpers/kafka.ts';
import { waitFor } from '../helpers/wait.ts';

const repo = join(import.meta.dirname, '../..');
const broker = (action: 'up' | 'down') =>
  execFileSync('bash', [join(repo, `deploy/local-kafka/${action}.sh`)], { stdio: 'inherit', env: process.env });

afterAll(async () => {
  if (!(await brokerAnswers())) broker('up');
});

describe('verdicts through a Kafka outage', () => {
  it('publishes a verdict made while the broker is down once it is back, with its id', async (ctx) => {
    if (!(await kafkaAvailable('verdicts topic outage'))) return ctx.skip();
    const log = new KafkaEventLog(
      { brokers: KAFKA_TEST_BROKERS!.split(','), clientId: 'verdict-outage', ssl: false, replicationFactor: 1 },
      silentLogger,
    );
    await log.ensureTopic({ name: 'verdicts', partitions: 4 });
    await publishVerdicts([], log, 'warmup', new Date().toISOString());
    const txId = `tx-${randomUUID()}`;
    const verdict: Verdict = {
      transaction_id: txId,
      probability: 0.9,
      verdict: 'fraud',
      threshold: 0.5,
      model_version: 'm1',
      reasons: [],
      scored_at: new Date().toISOString(),
    };
    // Warm the producer, then take the broker away and publish into the outage.
    await publishVerdicts([{ ...verdict, transaction_id: `${txId}-warm` }], log, 'test', new Date().toISOString());
    broker('down');
    let published = false;
    const publishing = publishVerdicts([verdict], log, 'test', new Date().toISOString()).then(() => (published = true));
    await new Promise((r) => setTimeout(r, 1500)); // the outage lasts: a real interval, not a wait for a condition
    expect(published).toBe(false);
    broker('up');
    await waitFor(() => published || undefined, 'the verdict to be published after the outage', 90_000, 200);
    await publishing;
    const reader = new KafkaEventLog(
      { brokers: KAFKA_TEST_BROKERS!.split(','), clientId: 'verdict-read', ssl: false, replicationFactor: 1 },
      silentLogger,
    );
    const c = await reader.consumer(`verdict-check-${randomUUID()}`, 'verdicts');
    let found = 0;
    const deadline = Date.now() + 60_000;
    while (found === 0 && Date.now() < deadline) {
      const batch = await c.poll({ maxRecords: 10_000, maxWaitMs: 1000 });
      for (const r of batch)
        if ((JSON.parse(r.value.toString()) as { payload: { transaction_id: string } }).payload.transaction_id === txId)
          found++;
      if (batch.length) await c.commit(nextOffsets(batch));
    }
    await c.close();
    await reader.close();
    await log.close();
    expect(found).toBeGreaterThanOrEqual(1);
  }, 180_000);
});
