// Where the Pub/Sub emulator for tests is (deploy/local-pubsub/up.sh), or why its suites are skipped (not in CI), and
// the official client pointed at it.
import { availableOrSkip, portAnswers } from './service.ts';
import { PubSub } from '@google-cloud/pubsub';

export const PUBSUB_TEST_HOST = process.env.PUBSUB_TEST_HOST ?? process.env.PUBSUB_EMULATOR_HOST;
export const PUBSUB_TEST_PROJECT = 'fraudflow-test';

/** True when the emulator suites should run; prints why when they are skipped; throws when CI requires the emulator. */
export async function pubsubAvailable(suite: string): Promise<boolean> {
  const host = PUBSUB_TEST_HOST;
  const at = host?.lastIndexOf(':') ?? -1;
  const up = host !== undefined && (await portAnswers(host.slice(0, at), Number(host.slice(at + 1))));
  const why = host ? `no emulator answers at ${host}` : 'PUBSUB_TEST_HOST is not set';
  return availableOrSkip(
    suite,
    {
      what: 'the Pub/Sub emulator',
      kind: 'Pub/Sub',
      requireVar: 'FRAUDFLOW_REQUIRE_PUBSUB',
      hint: 'run `bash deploy/local-pubsub/up.sh`, then set PUBSUB_TEST_HOST=127.0.0.1:18085',
    },
    up,
    why,
  );
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
