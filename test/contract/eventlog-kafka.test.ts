// Runs the event-log contract against a real Apache Kafka broker (KAFKA_TEST_BROKERS), the same suite as the embedded log.
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { Kafka, Partitioners, logLevel } from 'kafkajs';
import { KafkaEventLog } from '../../shared/eventlog/kafka/kafka.ts';
import type { KafkaEventLogOptions } from '../../shared/eventlog/kafka/client.ts';
import { partitionForKey } from '../../shared/eventlog/partitioner.ts';
import { silentLogger } from '../../shared/logger.ts';
import { KAFKA_TEST_BROKERS, kafkaAvailable } from '../helpers/kafka.ts';
import { eventLogContract } from './eventlog.contract.ts';

const available = await kafkaAvailable('event log contract: kafka');
const open = (options: KafkaEventLogOptions = {}) =>
  new KafkaEventLog(
    { brokers: KAFKA_TEST_BROKERS!.split(','), clientId: 'fraudflow-test', ssl: false, replicationFactor: 1 },
    silentLogger,
    options,
  );

if (available) {
  eventLogContract('kafka (real broker)', { open: async () => open() });
  // The producer settings the bench sweeps: other lane counts and request sizes keep every guarantee of the contract.
  eventLogContract('kafka (real broker), 4 lanes, 64 KiB per partition per request', {
    open: async () => open({ lanes: 4, maxPartitionBytes: 64 * 1024 }),
  });

  describe('kafka partitioning', () => {
    it('agrees with the Java-compatible partitioner of plain Kafka clients', async () => {
      const log = open();
      const topic = `agree-${randomUUID().slice(0, 8)}`;
      await log.ensureTopic({ name: topic, partitions: 6 });
      const kafka = new Kafka({
        clientId: 'plain',
        brokers: KAFKA_TEST_BROKERS!.split(','),
        logLevel: logLevel.NOTHING,
      });
      const producer = kafka.producer({ createPartitioner: Partitioners.JavaCompatiblePartitioner });
      await producer.connect();
      const keys = Array.from({ length: 60 }, (_, i) => `customer-${i * 7919}`);
      const meta = await Promise.all(keys.map((key) => producer.send({ topic, messages: [{ key, value: key }] })));
      await producer.disconnect();
      meta.forEach((m, i) => expect(m[0]!.partition).toBe(partitionForKey(keys[i]!, 6)));
      await log.close();
    });
  });
} else {
  describe.skip('event log contract: kafka (no broker: see the message above)', () => {
    it('needs a broker', () => undefined);
  });
}
