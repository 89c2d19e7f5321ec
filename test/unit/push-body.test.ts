// What score-stream-push accepts as a delivery: the plain push body or Eventarc's messagePublished CloudEvent around
// it; the message's Kafka place when the connector named it, its Pub/Sub id otherwise.
import { describe, expect, it } from 'vitest';
import { pushBodyOf } from '../../shared/http/push-route.ts';
import { incomingOf } from '../../functions/score-stream/push.ts';

const body = (attributes: Record<string, string> = {}) => ({
  message: {
    data: Buffer.from('{"a":1}').toString('base64'),
    attributes,
    messageId: '42',
    publishTime: '2026-12-01T00:00:00Z',
  },
  subscription: 'projects/p/subscriptions/s',
});
const json = { 'content-type': 'application/json' };
const ce = (type: string) => ({
  ...json,
  'ce-specversion': '1.0',
  'ce-id': '42',
  'ce-source': '//pubsub.googleapis.com/projects/p/topics/t',
  'ce-type': type,
});

describe('a Pub/Sub push delivery', () => {
  it('reads the plain push body and the same body inside a binary messagePublished CloudEvent alike', () => {
    expect(pushBodyOf(json, body())).toEqual(body());
    expect(pushBodyOf(ce('google.cloud.pubsub.topic.v1.messagePublished'), body())).toEqual(body());
  });

  it('refuses another CloudEvent type, data that is not base64, and a body with no message, as client errors', () => {
    const refused = (headers: Record<string, string>, b: unknown) => {
      try {
        pushBodyOf(headers, b);
      } catch (e) {
        return e as { code: string; httpStatus: number; message: string };
      }
      throw new Error('accepted');
    };
    expect(refused(ce('google.cloud.storage.object.v1.finalized'), body())).toMatchObject({
      code: 'INPUT_INVALID',
      httpStatus: 400,
    });
    const bad = body();
    bad.message.data = 'not base64!';
    expect(refused(json, bad).message).toMatch(/message\.data: not base64/);
    expect(refused(json, { subscription: 's' }).message).toMatch(/not a Pub\/Sub push delivery/);
  });

  it("places a connector's message at its Kafka record, and any other at its Pub/Sub message id", () => {
    const kafka = incomingOf(
      pushBodyOf(json, body({ 'kafka.topic': 'transactions', 'kafka.partition': '2', 'kafka.offset': '40' })),
    );
    expect(kafka.value.toString()).toBe('{"a":1}');
    expect(kafka.place).toMatchObject({ file: 'transactions[2]', line: 41, seed: 'score-stream:transactions:2:40' });
    const plain = incomingOf(pushBodyOf(json, body({ 'kafka.offset': '-1' })));
    expect(plain.place).toMatchObject({
      file: 's#42',
      line: 1,
      seed: 'score-stream:pubsub:projects/p/subscriptions/s:42',
    });
  });
});
