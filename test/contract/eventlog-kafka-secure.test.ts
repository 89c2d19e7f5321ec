// The event-log contract over SASL_SSL (PLAIN, as Confluent Cloud; SCRAM), trusting the local broker's CA file.
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { KafkaConfig } from '../../shared/config.ts';
import { FraudflowError } from '../../shared/errors.ts';
import { KafkaEventLog } from '../../shared/eventlog/kafka/kafka.ts';
import { nextOffsets, type LogRecord } from '../../shared/eventlog/port.ts';
import { silentLogger } from '../../shared/logger.ts';
import { KAFKA_TEST_SECURE, secureKafkaAvailable } from '../helpers/kafka.ts';
import { eventLogContract } from './eventlog.contract.ts';

const available = await secureKafkaAvailable('event log contract: kafka SASL_SSL', 'saslSsl');
const s = KAFKA_TEST_SECURE;
type Mechanism = 'plain' | 'scram-sha-256' | 'scram-sha-512';
const config = (mechanism: Mechanism, over: Partial<KafkaConfig> = {}): KafkaConfig => ({
  brokers: s.saslSslBrokers!.split(','),
  clientId: 'fraudflow-test',
  ssl: true,
  sslCaFile: s.caFile!,
  sasl: { mechanism, username: s.username!, password: s.password! },
  replicationFactor: 1,
  ...over,
});
const open = (mechanism: Mechanism, over: Partial<KafkaConfig> = {}) =>
  new KafkaEventLog(config(mechanism, over), silentLogger);

if (available) {
  eventLogContract('kafka over SASL_SSL with PLAIN (the Confluent Cloud path)', { open: async () => open('plain') });

  describe('kafka over SASL_SSL: SCRAM and refusals', () => {
    for (const mechanism of ['scram-sha-256', 'scram-sha-512'] as const) {
      it(`produces, consumes and commits with ${mechanism}`, async () => {
        const log = open(mechanism);
        try {
          const topic = `secure-${mechanism}-${randomUUID().slice(0, 8)}`;
          await log.ensureTopic({ name: topic, partitions: 2 });
          const messages = Array.from({ length: 20 }, (_, i) => ({ key: `k${i}`, value: `v${i}` }));
          expect((await log.produce(topic, messages)).count).toBe(20);
          const group = `g-${randomUUID()}`;
          const consumer = await log.consumer(group, topic);
          const got: LogRecord[] = [];
          const deadline = Date.now() + 30_000;
          while (got.length < 20 && Date.now() < deadline)
            got.push(...(await consumer.poll({ maxRecords: 500, maxWaitMs: 1000 })));
          await consumer.commit(nextOffsets(got));
          await consumer.close();
          expect(got.map((r) => r.value.toString()).sort()).toEqual(messages.map((m) => m.value).sort());
          const committed = await log.committedOffsets(group, topic);
          expect(committed.reduce((n, p) => n + p.offset, 0)).toBe(20);
        } finally {
          await log.close();
        }
      });
    }

    it('refuses a wrong password with a non-retriable error that names the brokers', async () => {
      const log = open('scram-sha-512', {
        sasl: { mechanism: 'scram-sha-512', username: s.username!, password: 'wrong-password' },
      });
      const err = await log.listTopics().catch((e: unknown) => e);
      await log.close();
      expect(err).toBeInstanceOf(FraudflowError);
      expect((err as FraudflowError).code).toBe('EVENTLOG_FAILED');
      expect((err as FraudflowError).retriable).toBe(false);
      expect((err as FraudflowError).details.brokers).toBe(s.saslSslBrokers);
    });

    it("refuses the broker's certificate without the CA file, as a configuration problem and not an outage", async () => {
      const { sslCaFile: _unused, ...withoutCa } = config('plain');
      const log = new KafkaEventLog(withoutCa, silentLogger);
      const started = Date.now();
      const err = await log.listTopics().catch((e: unknown) => e);
      await log.close();
      expect(err).toBeInstanceOf(FraudflowError);
      expect((err as FraudflowError).retriable).toBe(false);
      expect(JSON.stringify((err as Error).cause, Object.getOwnPropertyNames((err as Error).cause ?? {}))).toMatch(
        /self-signed|SELF_SIGNED/i,
      );
      // Not the 20 s of retries an outage gets.
      expect(Date.now() - started).toBeLessThan(20_000);
    });

    it('names KAFKA_SSL_CA_FILE when the CA file cannot be read', () => {
      expect(() => open('plain', { sslCaFile: '/nonexistent/ca.pem' })).toThrow(/KAFKA_SSL_CA_FILE cannot be read/);
    });
  });
} else {
  describe.skip('event log contract: kafka SASL_SSL (no secure listener: see the message above)', () => {
    it('needs a secure listener', () => undefined);
  });
}
