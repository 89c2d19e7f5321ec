// A scheduled score-stream that finds its consumer group held by another run leaves at once with a clear log and a
// success: it neither joins (forcing a rebalance) nor waits; the run that holds the group reads everything.
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scoreStream, type ScoreStreamOptions } from '../../functions/score-stream/score-stream.ts';
import { EmbeddedEventLog } from '../../shared/eventlog/embedded/embedded.ts';
import { KafkaEventLog } from '../../shared/eventlog/kafka/kafka.ts';
import type { EventLog } from '../../shared/eventlog/port.ts';
import { MemoryFeatureState } from '../../shared/features/raw/memory-state.ts';
import { RAW_FEATURES } from '../../shared/features/raw/spec.ts';
import { createLogger, silentLogger } from '../../shared/logger.ts';
import type { ModelEndpoint } from '../../shared/model/port.ts';
import { contentId } from '../../shared/schema/formats.ts';
import { topicSpecs, TOPICS } from '../../shared/topics.ts';
import { championWith } from '../adversarial/champion.ts';
import { KAFKA_TEST_BROKERS, kafkaAvailable } from '../helpers/kafka.ts';
import { tempDir } from '../helpers/tmp.ts';
import { waitFor } from '../helpers/wait.ts';

const dir = tempDir('fraudflow-stream-busy-');
let model: ModelEndpoint;
beforeAll(async () => {
  model = (await championWith(dir.path, 'raw-1', RAW_FEATURES, { tx_amount: 0.01 })).endpoint;
}, 60_000);
afterAll(() => dir.cleanup());

const options = (group: string): ScoreStreamOptions => ({
  group,
  batchSize: 100,
  maxRows: 1000,
  maxSeconds: 30,
  reviewRatio: 0.5,
  fallbackVerdict: 'review',
  reasons: 0,
});

/** Log lines as the function writes them, kept for the assertion. */
function capture(): { lines: Array<Record<string, unknown>>; logger: ReturnType<typeof createLogger> } {
  const lines: Array<Record<string, unknown>> = [];
  const logger = createLogger({ level: 'INFO', write: (line: string) => void lines.push(JSON.parse(line)) });
  return { lines, logger };
}

describe('score-stream with its consumer group held by another run', () => {
  it('returns busy with nothing read while the holder lives, and reads everything once it has gone (embedded log)', async () => {
    const log: EventLog = new EmbeddedEventLog({ path: join(dir.path, 'log.sqlite') });
    try {
      for (const s of topicSpecs(2)) await log.ensureTopic(s);
      const txs = [1, 2, 3].map((i) => ({
        transaction_id: `busy-${i}`,
        tx_datetime: `2026-05-0${i}T10:00:00Z`,
        customer_id: 'c1',
        terminal_id: 't1',
        amount: 10,
      }));
      await log.produce(
        TOPICS.transactions,
        txs.map((t, i) => ({
          key: t.customer_id,
          value: JSON.stringify({
            id: contentId(`busy:${i}`),
            schema: { name: 'raw', version: 1 },
            source: { file: 'busy.csv', line: i + 2 },
            ingested_at: '2026-05-04T00:00:00Z',
            payload: t,
          }),
        })),
      );
      const group = `busy-${randomUUID()}`;
      const holder = await log.consumer(group, TOPICS.transactions);
      await holder.poll({ maxRecords: 1, maxWaitMs: 100 });
      const { lines, logger } = capture();
      const ports = { eventLog: log, model, logger, features: new MemoryFeatureState() };
      const busy = await scoreStream(ports, options(group));
      expect(busy).toMatchObject({ busy: true, read: 0, scored: 0, lag_left: 3 });
      expect(lines.find((l) => l.severity === 'INFO' && String(l.message).includes('another run holds'))).toMatchObject(
        {
          group,
          busy: true,
        },
      );
      await holder.close();
      expect(await scoreStream(ports, options(group))).toMatchObject({ busy: false, read: 3, scored: 3, lag_left: 0 });
    } finally {
      await log.close();
    }
  }, 60_000);

  it('returns busy within seconds, without joining the group, when a Kafka consumer holds it', async (ctx) => {
    if (!(await kafkaAvailable('score-stream busy group'))) return ctx.skip();
    const log = new KafkaEventLog(
      { brokers: KAFKA_TEST_BROKERS!.split(','), clientId: 'fraudflow-test', ssl: false, replicationFactor: 1 },
      silentLogger,
    );
    try {
      for (const s of topicSpecs(1)) await log.ensureTopic(s);
      const group = `busy-${randomUUID()}`;
      const holder = await log.consumer(group, TOPICS.transactions);
      try {
        await waitFor(
          async () => (await log.activeMembers(group, TOPICS.transactions)) > 0,
          'the holder to join its group',
          30_000,
          100,
        );
        const started = Date.now();
        const { logger } = capture();
        const summary = await scoreStream(
          { eventLog: log, model, logger, features: new MemoryFeatureState() },
          options(group),
        );
        expect(summary).toMatchObject({ busy: true, read: 0 });
        expect(Date.now() - started).toBeLessThan(5_000);
        // Still one member: the tick never joined, so the holder kept its partitions.
        expect(await log.activeMembers(group, TOPICS.transactions)).toBe(1);
      } finally {
        await holder.close();
      }
    } finally {
      await log.close();
    }
  }, 60_000);
});
