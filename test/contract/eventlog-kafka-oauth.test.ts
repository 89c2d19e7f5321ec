// The SASL/OAUTHBEARER exchange against a real broker listener checking tokens with Kafka's unsecured JWS validator.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { KafkaConfig } from '../../shared/config.ts';
import { FraudflowError } from '../../shared/errors.ts';
import { KafkaEventLog } from '../../shared/eventlog/kafka/kafka.ts';
import { oauthBearerProvider, type BearerToken } from '../../shared/eventlog/kafka/oauth.ts';
import { nextOffsets, type LogRecord } from '../../shared/eventlog/port.ts';
import { silentLogger } from '../../shared/logger.ts';
import { startFakeMetadataServer, type FakeMetadataServer } from '../helpers/fake-metadata-server.ts';
import { KAFKA_TEST_SECURE, secureKafkaAvailable } from '../helpers/kafka.ts';
import { unsecuredJws } from '../helpers/unsecured-jws.ts';
import { waitFor } from '../helpers/wait.ts';

const available = await secureKafkaAvailable('kafka OAUTHBEARER', 'oauth');
const config = (): KafkaConfig => ({
  brokers: KAFKA_TEST_SECURE.oauthBrokers!.split(','),
  clientId: 'fraudflow-test',
  ssl: false,
  sasl: { mechanism: 'oauthbearer' },
  replicationFactor: 1,
});

/** Unsecured tokens through the same provider (reuse, refresh) the Google tokens go through; records what it fetched. */
function unsecuredProvider(lifetimeMs: number, minRemainingMs?: number) {
  const fetched: BearerToken[] = [];
  const provider = oauthBearerProvider({
    ...(minRemainingMs !== undefined ? { minRemainingMs } : {}),
    fetch: async () => {
      const expiresAtMs = Date.now() + lifetimeMs;
      const token = { value: unsecuredJws('fraudflow-test', expiresAtMs), expiresAtMs };
      fetched.push(token);
      return token;
    },
  });
  return { provider, fetched };
}

if (available) {
  describe('kafka over SASL OAUTHBEARER (unsecured JWS validator)', () => {
    it('produces, consumes and commits with the tokens of its provider, one token shared by every connection', async () => {
      const { provider, fetched } = unsecuredProvider(3_600_000);
      const log = new KafkaEventLog(config(), silentLogger, { oauthBearerProvider: provider });
      try {
        const topic = `oauth-${randomUUID().slice(0, 8)}`;
        await log.ensureTopic({ name: topic, partitions: 2 });
        const messages = Array.from({ length: 30 }, (_, i) => ({ key: `k${i}`, value: `v${i}` }));
        await log.produce(topic, messages);
        const group = `g-${randomUUID()}`;
        const consumer = await log.consumer(group, topic);
        const got: LogRecord[] = [];
        const deadline = Date.now() + 30_000;
        while (got.length < 30 && Date.now() < deadline)
          got.push(...(await consumer.poll({ maxRecords: 500, maxWaitMs: 1000 })));
        await consumer.commit(nextOffsets(got));
        await consumer.close();
        expect(got).toHaveLength(30);
        expect((await log.committedOffsets(group, topic)).reduce((n, p) => n + p.offset, 0)).toBe(30);
        // admin, producer, consumer and coordinator connections all authenticated with one fetched token
        expect(fetched).toHaveLength(1);
      } finally {
        await log.close();
      }
    });

    it('keeps producing after its first token has expired: the connection re-authenticates with a refreshed token', async () => {
      // 16 s tokens refreshed in their last 12 s: kafkajs re-authenticates 10 s before a session ends, with a new token.
      const { provider, fetched } = unsecuredProvider(16_000, 12_000);
      const log = new KafkaEventLog(config(), silentLogger, { oauthBearerProvider: provider });
      try {
        const topic = `oauth-refresh-${randomUUID().slice(0, 8)}`;
        await log.ensureTopic({ name: topic, partitions: 1 });
        const firstExpiry = fetched[0]!.expiresAtMs;
        let produced = 0;
        // Each probe is a produce that must succeed; done once the first token has been expired for a second.
        await waitFor(
          async () => {
            await log.produce(topic, [{ key: 'k', value: String(produced) }]);
            produced++;
            return Date.now() > firstExpiry + 1_000 && fetched.length >= 2;
          },
          'a produce after the first token expired',
          30_000,
          250,
        );
        expect(new Set(fetched.map((t) => t.value)).size).toBe(fetched.length);
        expect((await log.describeTopic(topic)).partitions[0]!.highWatermark).toBe(produced);
      } finally {
        await log.close();
      }
    }, 60_000);

    describe('with no provider given (Google Managed Kafka tokens from the metadata server)', () => {
      let meta: FakeMetadataServer;
      beforeAll(async () => {
        meta = await startFakeMetadataServer('fraudflow-fn@demo-project.iam.gserviceaccount.com');
        vi.stubEnv('GCE_METADATA_HOST', meta.host);
      });
      afterAll(async () => {
        vi.unstubAllEnvs();
        await meta?.close();
      });

      it("sends Google's token from the metadata server, which the unsecured validator refuses: a non-retriable error", async () => {
        const log = new KafkaEventLog(config(), silentLogger);
        const err = await log.listTopics().catch((e: unknown) => e);
        await log.close();
        expect(meta.issued.length).toBeGreaterThanOrEqual(1);
        expect(err).toBeInstanceOf(FraudflowError);
        expect((err as FraudflowError).code).toBe('EVENTLOG_FAILED');
        expect((err as FraudflowError).retriable).toBe(false);
        // The broker's error challenge (RFC 7628), read by the adapter: the token was refused, not the connection.
        expect((err as Error).message).toMatch(/refused the token \(invalid_token\)/);
      });
    });
  });
} else {
  describe.skip('kafka OAUTHBEARER (no OAUTHBEARER listener: see the message above)', () => {
    it('needs an OAUTHBEARER listener', () => undefined);
  });
}
