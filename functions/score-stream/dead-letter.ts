// A message score-stream cannot score, as a dead letter: where it sits in the log, what it said, why it was refused.
import type { LogRecord, OutgoingMessage } from '../../shared/eventlog/port.ts';
import { MAX_DLQ_RAW_CHARS, type DeadLetter } from '../../shared/schema/dead-letter.ts';
import { contentId } from '../../shared/schema/formats.ts';

/** Its id is fixed by the message's place in the log, so a batch redone after a crash dead-letters it once. */
export function deadLetterOf(record: LogRecord, reasons: string[], schema: string | null, at: string): OutgoingMessage {
  const raw = record.value.toString('utf8');
  const letter: DeadLetter = {
    id: contentId(`score-stream:${record.topic}:${record.partition}:${record.offset}`),
    file: `${record.topic}[${record.partition}]`,
    line: record.offset + 1,
    raw: raw.slice(0, MAX_DLQ_RAW_CHARS),
    raw_truncated: raw.length > MAX_DLQ_RAW_CHARS,
    raw_bytes: record.value.length,
    reasons: reasons.map((r) => `score-stream: ${r}`),
    schema,
    rejected_at: at,
  };
  return { key: letter.file, value: JSON.stringify(letter) };
}
