// Where the real redis-server for tests is (REDIS_TEST_URL), or why its suites are skipped (they may not be skipped in CI).
import { availableOrSkip, portAnswers } from './service.ts';
import { ioredisLink } from '../../shared/features/raw/redis/ioredis-link.ts';
import type { RedisEndpoint, RedisLink } from '../../shared/features/raw/redis/link.ts';

export const REDIS_TEST_URL = process.env.REDIS_TEST_URL;

/** The test server's endpoint (plain redis://host:port only: the local server of `npm run redis:up`). */
export function testEndpoint(url = REDIS_TEST_URL!): RedisEndpoint {
  const u = new URL(url);
  return { host: u.hostname, port: Number(u.port || 6379), tls: false, db: 0 };
}

export const testLink = (): RedisLink => ioredisLink(testEndpoint());

/** A fresh key namespace per test: suites share one server without seeing each other's keys. */
export const freshNamespace = (what: string): string =>
  `fftest:${what}:${process.pid}:${Math.random().toString(36).slice(2)}:`;

async function answers(url: string | undefined): Promise<boolean> {
  if (!url) return false;
  const { host, port } = testEndpoint(url);
  return portAnswers(host, port);
}

/** True when the Redis suites should run; prints why when they are skipped; throws when CI requires Redis that is not there. */
export async function redisAvailable(suite: string): Promise<boolean> {
  const why = REDIS_TEST_URL ? `nothing answers at ${REDIS_TEST_URL}` : 'REDIS_TEST_URL is not set';
  return availableOrSkip(
    suite,
    {
      what: 'a Redis server',
      kind: 'Redis',
      requireVar: 'FRAUDFLOW_REQUIRE_REDIS',
      hint: 'set REDIS_TEST_URL=redis://127.0.0.1:16379 after `npm run redis:up`',
    },
    await answers(REDIS_TEST_URL),
    why,
  );
}
