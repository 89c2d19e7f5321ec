// A message score-stream cannot score, as a dead letter: where it sits in the log, what it said, why it was refused.
import type { EventLog, LogRecord, OutgoingMessage } from '../../shared/eventlog/port.ts';
import { wrapError } from '../../shared/errors.ts';
import type { Logger } from '../../shared/logger.ts';
import { MAX_DLQ_RAW_CHARS, type DeadLetter } from '../../shared/schema/dead-letter.ts';
import { contentId } from '../../shared/schema/formats.ts';
import { TOPICS } from '../../shared/topics.ts';

/** Where a message came from: its dead letter's id is fixed by `seed`, so a message read again dead-letters once. */
export interface Place {
  readonly seed: string;
  readonly file: string;
  readonly line: number;
}

/** A message to score: its bytes (an envelope, if well formed) and its place. */
export interface Incoming {
  readonly value: Buffer;
  readonly place: Place;
}

/** A record's place in the log: a batch redone after a crash, or the same record pushed, dead-letters it once. */
export function placeOf(record: Pick<LogRecord, 'topic' | 'partition' | 'offset'>): Place {
  return {
    seed: `score-stream:${record.topic}:${record.partition}:${record.offset}`,
    file: `${record.topic}[${record.partition}]`,
    line: record.offset + 1,
  };
}

export function deadLetterOf(message: Incoming, reasons: string[], schema: string | null, at: string): OutgoingMessage {
  const raw = message.value.toString('utf8');
  const letter: DeadLetter = {
    id: contentId(message.place.seed),
    file: message.place.file,
    line: message.place.line,
    raw: raw.slice(0, MAX_DLQ_RAW_CHARS),
    raw_truncated: raw.length > MAX_DLQ_RAW_CHARS,
    raw_bytes: message.value.length,
    reasons: reasons.map((r) => `score-stream: ${r}`),
    schema,
    rejected_at: at,
  };
  return { key: letter.file, value: JSON.stringify(letter) };
}

export interface Dead {
  readonly message: Incoming;
  readonly reasons: string[];
  readonly schema: string | null;
}

/** Resolves once the dead letters are durable in `transactions.dlq`: only then may their messages be let go. */
export async function publishDeadLetters(
  ports: { readonly eventLog: EventLog; readonly logger: Logger },
  dead: readonly Dead[],
  at: string,
): Promise<void> {
  if (dead.length === 0) return;
  ports.logger.warn('score-stream: messages dead-lettered', {
    count: dead.length,
    topic: TOPICS.transactionsDlq,
    first: dead
      .slice(0, 5)
      .map((d) => ({ file: d.message.place.file, line: d.message.place.line, reason: d.reasons[0] })),
  });
  try {
    await ports.eventLog.produce(
      TOPICS.transactionsDlq,
      dead.map((d) => deadLetterOf(d.message, d.reasons, d.schema, at)),
    );
  } catch (e) {
    throw wrapError(
      e,
      'EVENTLOG_UNAVAILABLE',
      `producing ${dead.length} dead letters to ${TOPICS.transactionsDlq} failed`,
      {
        topic: TOPICS.transactionsDlq,
      },
    );
  }
}
