// Turns validated messages into warehouse rows: envelopes flattened, dead letters as they are, poison messages recorded.
import { contentId } from '../../shared/schema/formats.ts';
import type { DeadLetter } from '../../shared/schema/dead-letter.ts';
import { cutText, MAX_DLQ_RAW_CHARS } from '../../shared/schema/dead-letter.ts';
import type { LogRecord } from '../../shared/eventlog/port.ts';
import type { Row } from '../../shared/warehouse/port.ts';

export function deadLetterRow(topic: string, d: DeadLetter): Row {
  return { ...d, topic };
}

/** A message that failed its schema: kept in dead_letters with where it was and why, never retried forever. */
export function poisonRow(record: LogRecord, reasons: string[], at: string): Row {
  const raw = record.value.toString('utf8');
  return {
    id: contentId(`poison:${record.topic}:${record.partition}:${record.offset}`),
    topic: record.topic,
    file: `${record.topic}[${record.partition}]`,
    line: record.offset + 1,
    raw: cutText(raw, MAX_DLQ_RAW_CHARS),
    raw_truncated: raw.length > MAX_DLQ_RAW_CHARS,
    raw_bytes: record.value.length,
    reasons: JSON.stringify(reasons),
    schema: null,
    rejected_at: at,
  };
}
