// Where the Pub/Sub emulator for tests is (deploy/local-pubsub/up.sh), or why its suites are skipped (not in CI), and
// the official client pointed at it.
import { Socket } from 'node:net';
import { PubSub } from '@google-cloud/pubsub';

export const PUBSUB_TEST_HOST = process.env.PUBSUB_TEST_HOST ?? process.env.PUBSUB_EMULATOR_HOST;
export const REQUIRE_PUBSUB = process.env.FRAUDFLOW_REQUIRE_PUBSUB === '1';
export const PUBSUB_TEST_PROJECT = 'fraudflow-test';

function answers(hostPort: string): Promise<boolean> {
  const at = hostPort.lastIndexOf(':');
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
    s.connect(Number(hostPort.slice(at + 1)), hostPort.slice(0, at));
  });
}

/** True when the emulator suites should run; prints why when they are skipped; throws when CI requires the emulator. */
export async function pubsubAvailable(suite: string): Promise<boolean> {
  if (PUBSUB_TEST_HOST && (await answers(PUBSUB_TEST_HOST))) return true;
  const why = PUBSUB_TEST_HOST ? `no emulator answers at ${PUBSUB_TEST_HOST}` : 'PUBSUB_TEST_HOST is not set';
  if (REQUIRE_PUBSUB)
    throw new Error(`${suite}: the Pub/Sub emulator is required here (FRAUDFLOW_REQUIRE_PUBSUB=1) but ${why}`);
  process.stderr.write(
    `\n[${suite}] Pub/Sub suite skipped (${why}): run \`bash deploy/local-pubsub/up.sh\`, then set PUBSUB_TEST_HOST=127.0.0.1:18085\n`,
  );
  return false;
}

/** The real client library, talking gRPC to the emulator (no credentials: it is not a googleapis.com host). */
export function emulatorClient(host = PUBSUB_TEST_HOST!): PubSub {
  // Without it google-auth-library probes the GCE metadata server (off this machine) for a project it already has.
  process.env.METADATA_SERVER_DETECTION ??= 'none';
  return new PubSub({ projectId: PUBSUB_TEST_PROJECT, apiEndpoint: host, emulatorMode: true });
}

/** A fresh topic and a push subscription delivering it to `endpoint` (ack deadline `ackDeadlineSeconds`). */
export async function pushTopic(
  client: PubSub,
  name: string,
  endpoint: string,
  ackDeadlineSeconds = 10,
): Promise<{ topic: ReturnType<PubSub['topic']>; remove(): Promise<void> }> {
  const [topic] = await client.createTopic(name);
  const [subscription] = await topic.createSubscription(`${name}-push`, {
    pushConfig: { pushEndpoint: endpoint },
    ackDeadlineSeconds,
    retryPolicy: { minimumBackoff: { seconds: 1 }, maximumBackoff: { seconds: 2 } },
  });
  // One message per publish call: the latency measured is a message's, not a batch window's.
  topic.setPublishOptions({ batching: { maxMessages: 1, maxMilliseconds: 1 } });
  return {
    topic,
    async remove() {
      await subscription.delete().catch(() => undefined);
      await topic.delete().catch(() => undefined);
    },
  };
}
