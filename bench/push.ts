// Bench: event -> verdict through the Pub/Sub emulator's push to score-stream-push under functions-framework, beside
// the bare emulator round trip (publish -> push to a handler that answers at once) in the same run.
import { PUBSUB_TEST_HOST, pubsubAvailable } from '../test/helpers/pubsub.ts';
import { bareRoundTrips } from '../test/helpers/push-baseline.ts';
import { pushLatencies, quantile, startPushPath } from '../test/helpers/push-path.ts';

const RATES = [50, 100];

export async function run(options: { quick?: boolean } = {}): Promise<Array<Record<string, string | number>>> {
  if (!(await pubsubAvailable('bench push')))
    return [{ path: 'push: skipped (bash deploy/local-pubsub/up.sh, then PUBSUB_TEST_HOST=127.0.0.1:18085)' }];
  const n = options.quick ? 200 : 1000;
  const rows: Array<Record<string, string | number>> = [];
  const add = (path: string, rate: number, latencies: number[]) =>
    rows.push({
      path,
      events: latencies.length,
      rate_per_s: rate,
      p50_ms: quantile(latencies, 0.5),
      p99_ms: quantile(latencies, 0.99),
      max_ms: quantile(latencies, 1),
    });
  const path = await startPushPath();
  try {
    // Warm-up: the function has loaded the champion once a first verdict is back.
    await pushLatencies(path, 5, 10, 100_000);
    let from = 0;
    for (const rate of RATES) {
      const bare = await bareRoundTrips(n, rate);
      add(`baseline: emulator publish -> push -> 204 (${bare.maxInFlight} in flight at most)`, rate, bare.latencies);
      await path.resubscribe();
      add(
        `score-stream-push: publish -> verdict on verdicts (embedded log)`,
        rate,
        await pushLatencies(path, n, rate, from),
      );
      from += n;
    }
  } finally {
    await path.close();
  }
  rows.push({ path: `emulator ${PUBSUB_TEST_HOST}; one Pub/Sub message per transaction, client batching off` });
  return rows;
}
