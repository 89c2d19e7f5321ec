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
