// Where the real Kafka broker for tests is, or why its suites are skipped (they may not be skipped in CI).
import { Socket } from 'node:net';

export const KAFKA_TEST_BROKERS = process.env.KAFKA_TEST_BROKERS;
export const REQUIRE_KAFKA = process.env.FRAUDFLOW_REQUIRE_KAFKA === '1';

export async function brokerAnswers(brokers = KAFKA_TEST_BROKERS): Promise<boolean> {
  if (!brokers) return false;
  const [host, port] = brokers.split(',')[0]!.split(':');
  return new Promise((resolve) => {
    const s = new Socket();
    s.setTimeout(2000);
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('timeout', () => {
      s.destroy();
      resolve(false);
    });
    s.once('error', () => resolve(false));
    s.connect(Number(port), host!);
  });
}

/** True when the Kafka suites should run; prints why when they are skipped; throws when CI requires a broker that is not there. */
export async function kafkaAvailable(suite: string): Promise<boolean> {
  const up = await brokerAnswers();
  if (up) return true;
  const why = KAFKA_TEST_BROKERS ? `no broker answers at ${KAFKA_TEST_BROKERS}` : 'KAFKA_TEST_BROKERS is not set';
  if (REQUIRE_KAFKA)
    throw new Error(`${suite}: a Kafka broker is required here (FRAUDFLOW_REQUIRE_KAFKA=1) but ${why}`);
  process.stderr.write(
    `\n[${suite}] Kafka suite skipped (${why}): set KAFKA_TEST_BROKERS=127.0.0.1:19092 after \`npm run kafka:up\`\n`,
  );
  return false;
}

/** The secure listeners of `KAFKA_SECURE=1 deploy/local-kafka/up.sh` (its secure.env): SASL_SSL and OAUTHBEARER. */
export const KAFKA_TEST_SECURE = {
  saslSslBrokers: process.env.KAFKA_TEST_SECURE_BROKERS,
  oauthBrokers: process.env.KAFKA_TEST_OAUTH_BROKERS,
  caFile: process.env.KAFKA_TEST_SSL_CA_FILE,
  username: process.env.KAFKA_TEST_SASL_USERNAME,
  password: process.env.KAFKA_TEST_SASL_PASSWORD,
};
export const REQUIRE_KAFKA_SECURE = process.env.FRAUDFLOW_REQUIRE_KAFKA_SECURE === '1';

/** Like kafkaAvailable, for a secure listener (`which` picks it); CI requires it (FRAUDFLOW_REQUIRE_KAFKA_SECURE=1). */
export async function secureKafkaAvailable(suite: string, which: 'saslSsl' | 'oauth'): Promise<boolean> {
  const s = KAFKA_TEST_SECURE;
  const brokers = which === 'saslSsl' ? s.saslSslBrokers : s.oauthBrokers;
  const complete = which === 'oauth' || Boolean(s.caFile && s.username && s.password);
  if (brokers && complete && (await brokerAnswers(brokers))) return true;
  const why =
    !brokers || !complete ? 'the KAFKA_TEST_* variables of secure.env are not set' : `nothing answers at ${brokers}`;
  if (REQUIRE_KAFKA_SECURE)
    throw new Error(`${suite}: a secure Kafka listener is required here (FRAUDFLOW_REQUIRE_KAFKA_SECURE=1) but ${why}`);
  process.stderr.write(
    `\n[${suite}] skipped (${why}): KAFKA_SECURE=1 npm run kafka:up, then source .local/kafka/secure.env\n`,
  );
  return false;
}
