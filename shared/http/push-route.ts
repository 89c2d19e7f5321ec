// A function fed by a Pub/Sub push subscription: the plain push body (a push subscription's own POST), or the same
// body as the data of Eventarc's `messagePublished` CloudEvent; 204 acknowledges, any other status is a redelivery.
import { FraudflowError } from '../errors.ts';
import { issueLines } from '../schema/issues.ts';
import { PushBody } from '../schema/pubsub-push.ts';
import { cloudEventOf } from './cloudevent.ts';
import { CLOUDEVENT_TYPES, type FunctionRoute } from './function-route.ts';

export const MESSAGE_PUBLISHED = 'google.cloud.pubsub.topic.v1.messagePublished';

/**
 * The edge owns the server, so functions-framework's own conversion of a plain push body into a CloudEvent (its
 * legacy Pub/Sub middleware) never runs: both shapes are read here. A body that is no Pub/Sub delivery is a 400,
 * which Pub/Sub redelivers until the subscription's dead-letter policy takes it.
 */
export function pushBodyOf(headers: Record<string, string | string[] | undefined>, json: unknown): PushBody {
  const structured = /^application\/cloudevents\+json\b/i.test(String(headers['content-type'] ?? ''));
  let data = json;
  if (headers['ce-specversion'] !== undefined || structured) {
    const event = cloudEventOf(headers, json);
    if (event.type !== MESSAGE_PUBLISHED)
      throw new FraudflowError(
        'INPUT_INVALID',
        `a CloudEvent of type ${event.type.slice(0, 200)}, not ${MESSAGE_PUBLISHED}`,
      );
    data = event.data;
  }
  const body = PushBody.safeParse(data);
  if (!body.success)
    throw new FraudflowError(
      'INPUT_INVALID',
      `not a Pub/Sub push delivery ({"message": {"data", "messageId", ...}, "subscription"}): ${issueLines(body.error, '').slice(0, 5).join('; ')}`,
    );
  return body.data;
}

export function pubsubPushRoute(
  name: string,
  maxBodyBytes: () => number,
  run: (body: PushBody) => Promise<unknown>,
): FunctionRoute {
  return {
    name,
    policy: () => ({ methods: ['POST'], contentTypes: CLOUDEVENT_TYPES, maxBodyBytes: maxBodyBytes() }),
    handle: async (req) => {
      await run(pushBodyOf(req.headers, req.json));
      return { status: 204, body: null };
    },
  };
}
