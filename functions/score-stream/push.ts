// The push path of score-stream: one transaction delivered by a Pub/Sub push (the Kafka record the connector carried),
// scored, its verdict published; the caller acknowledges (2xx) only after this resolves.
import type { ScoreOptions } from '../../shared/scoring/score.ts';
import { KAFKA_ATTRIBUTES, type PushBody } from '../../shared/schema/pubsub-push.ts';
import type { Verdict } from '../../shared/schema/verdict.ts';
import { placeOf, type Incoming, type Place } from './dead-letter.ts';
import { scoreBatchOf, type BatchPorts } from './batch.ts';

export interface PushOptions extends Omit<ScoreOptions, 'source'> {
  readonly maxFutureSkewSeconds: number;
}

export interface PushSummary {
  readonly message_id: string;
  /** Where the message came from: `transactions[2]` line 41 is partition 2, offset 40. */
  readonly from: string;
  readonly scored: number;
  readonly skipped: number;
  readonly dead_lettered: number;
  readonly verdict: Verdict['verdict'] | null;
}

const PARTITION = /^(?:0|[1-9][0-9]{0,8})$/;
const OFFSET = /^(?:0|[1-9][0-9]{0,14})$/;

/**
 * Where the message sits: its Kafka place when the connector published it (then a dead letter has the id the
 * scheduled pull would give the same record), else the Pub/Sub message id (which a redelivery keeps).
 */
function placeOfPush(body: PushBody): Place {
  const a = body.message.attributes ?? {};
  const topic = a[KAFKA_ATTRIBUTES.topic];
  const partition = a[KAFKA_ATTRIBUTES.partition];
  const offset = a[KAFKA_ATTRIBUTES.offset];
  if (topic && partition && offset && PARTITION.test(partition) && OFFSET.test(offset))
    return placeOf({ topic, partition: Number(partition), offset: Number(offset) });
  const subscription = body.subscription ?? 'pubsub';
  return {
    seed: `score-stream:pubsub:${subscription}:${body.message.messageId}`,
    file: `${subscription.split('/').pop()}#${body.message.messageId.slice(0, 64)}`,
    line: 1,
  };
}

/** The message as score-stream reads a record: the data is the Kafka record's value, byte for byte. */
export function incomingOf(body: PushBody): Incoming {
  return { value: Buffer.from(body.message.data ?? '', 'base64'), place: placeOfPush(body) };
}

export async function scorePushed(ports: BatchPorts, body: PushBody, options: PushOptions): Promise<PushSummary> {
  const incoming = incomingOf(body);
  const batch = await scoreBatchOf([incoming], ports, { ...options, source: 'score-stream-push' });
  const summary: PushSummary = {
    message_id: body.message.messageId,
    from: `${incoming.place.file} line ${incoming.place.line}`,
    scored: batch.verdicts.length,
    skipped: batch.skipped,
    dead_lettered: batch.dead_lettered,
    verdict: batch.verdicts[0]?.verdict ?? null,
  };
  ports.logger.debug('score-stream-push: message done', { ...summary });
  return summary;
}
