// A Pub/Sub push delivery as it arrives over HTTP: the push subscription's JSON body, which is also the data of the
// `google.cloud.pubsub.topic.v1.messagePublished` CloudEvent Eventarc delivers; validated by zod.
import { z } from 'zod';

/** Standard base64 with padding, as Pub/Sub encodes `message.data` (Buffer.from would accept far more). */
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

export const PushedMessage = z.object({
  /** Absent for a message with attributes only (Pub/Sub allows it): then there is nothing to score. */
  data: z.string().regex(BASE64, 'not base64').optional(),
  attributes: z.record(z.string(), z.string()).optional(),
  messageId: z.string().min(1).max(1024),
  publishTime: z.string().max(64).optional(),
});
export type PushedMessage = z.infer<typeof PushedMessage>;

export const PushBody = z.object({
  message: PushedMessage,
  /** projects/<p>/subscriptions/<s>; Eventarc's data carries it too. */
  subscription: z.string().min(1).max(1024).optional(),
});
export type PushBody = z.infer<typeof PushBody>;

/**
 * The attributes Google's Pub/Sub Kafka sink connector (CloudPubSubSinkConnector) sets with `metadata.publish=true`:
 * the record's key, and where it sits in Kafka. The record's value is the message data, byte for byte.
 */
export const KAFKA_ATTRIBUTES = {
  key: 'key',
  topic: 'kafka.topic',
  partition: 'kafka.partition',
  offset: 'kafka.offset',
  timestamp: 'kafka.timestamp',
} as const;
