// Where the real Kafka broker for tests is, or why its suites are skipped (they may not be skipped in CI).
import { availableOrSkip, portAnswers } from './service.ts';

export const KAFKA_TEST_BROKERS = process.env.KAFKA_TEST_BROKERS;

const KAFKA = {
  what: 'a Kafka broker',
  kind: 'Kafka',
  requireVar: 'FRAUDFLOW_REQUIRE_KAFKA',
  hint: 'set KAFKA_TEST_BROKERS=127.0.0.1:19092 after `npm run kafka:up`',
};

export async function brokerAnswers(brokers = KAFKA_TEST_BROKERS): Promise<boolean> {
  if (!brokers) return false;
  const [host, port] = brokers.split(',')[0]!.split(':');
  return portAnswers(host!, Number(port));
}

/** True when the Kafka suites should run; prints why when they are skipped; throws when CI requires a broker that is not there. */
export async function kafkaAvailable(suite: string): Promise<boolean> {
  const why = KAFKA_TEST_BROKERS ? `no broker answers at ${KAFKA_TEST_BROKERS}` : 'KAFKA_TEST_BROKERS is not set';
  return availableOrSkip(suite, KAFKA, await brokerAnswers(), why);
}

/** The secure listeners of `KAFKA_SECURE=1 deploy/local-kafka/up.sh` (its secure.env): SASL_SSL and OAUTHBEARER. */
export const KAFKA_TEST_SECURE = {
  saslSslBrokers: process.env.KAFKA_TEST_SECURE_BROKERS,
  oauthBrokers: process.env.KAFKA_TEST_OAUTH_BROKERS,
  caFile: process.env.KAFKA_TEST_SSL_CA_FILE,
  username: process.env.KAFKA_TEST_SASL_USERNAME,
  password: process.env.KAFKA_TEST_SASL_PASSWORD,
};

/** Like kafkaAvailable, for a secure listener (`which` picks it); CI requires it (FRAUDFLOW_REQUIRE_KAFKA_SECURE=1). */
export async function secureKafkaAvailable(suite: string, which: 'saslSsl' | 'oauth'): Promise<boolean> {
  const s = KAFKA_TEST_SECURE;
  const brokers = which === 'saslSsl' ? s.saslSslBrokers : s.oauthBrokers;
  const complete = which === 'oauth' || Boolean(s.caFile && s.username && s.password);
  const up = Boolean(brokers && complete && (await brokerAnswers(brokers)));
  const why =
    !brokers || !complete ? 'the KAFKA_TEST_* variables of secure.env are not set' : `nothing answers at ${brokers}`;
  return availableOrSkip(suite, KAFKA_SECURE_SERVICE, up, why);
}

const KAFKA_SECURE_SERVICE = {
  what: 'a secure Kafka listener',
  kind: 'secure Kafka',
  requireVar: 'FRAUDFLOW_REQUIRE_KAFKA_SECURE',
  hint: 'KAFKA_SECURE=1 npm run kafka:up, then source .local/kafka/secure.env',
};
