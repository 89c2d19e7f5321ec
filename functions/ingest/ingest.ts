// The ingest core: one uploaded CSV in, valid rows to the transactions topic, bad rows to its dead-letter topic.
import { FraudflowError, wrapError } from '../../shared/errors.ts';
import type { Logger } from '../../shared/logger.ts';
import type { EventLog, OutgoingMessage } from '../../shared/eventlog/port.ts';
import { CsvRecordSplitter, readCsvRecords, type CsvRecord } from '../../shared/csv/records.ts';
import { decompressed } from '../../shared/csv/source.ts';
import { decodeFields } from '../../shared/csv/decode.ts';
import { contentId, detectFormat, lineId, type DetectedFormat } from '../../shared/schema/formats.ts';
import { MAX_DLQ_RAW_CHARS, type DeadLetter } from '../../shared/schema/dead-letter.ts';
import { dlqOf } from '../../shared/topics.ts';
import { RecentIds } from './recent-ids.ts';

export interface IngestSource {
  /** Shown in logs and dead letters: a path, or gs://bucket/object. */
  readonly name: string;
  open(): Promise<AsyncIterable<Buffer>>;
}

export interface IngestPorts {
  readonly eventLog: EventLog;
  readonly logger: Logger;
  readonly now?: () => Date;
}

export interface IngestOptions {
  readonly topic: string;
  readonly batchSize: number;
  readonly maxRecordBytes?: number;
  /** How many recent ids are remembered to catch repeats within one file (memory stays bounded). */
  readonly dedupeWindow?: number;
  readonly onProgress?: (progress: IngestProgress) => void;
}

export interface IngestProgress {
  readonly read: number;
  readonly accepted: number;
  readonly rejected: number;
  readonly bytes: number;
}

export interface IngestSummary extends IngestProgress {
  readonly file: string;
  readonly format: string;
  readonly topic: string;
  readonly dlq_topic: string;
  /** Rows whose id was already accepted earlier in this file: not produced again. */
  readonly duplicates: number;
  readonly blank_lines: number;
  readonly elapsed_ms: number;
  readonly rows_per_s: number;
}

export async function ingest(source: IngestSource, ports: IngestPorts, options: IngestOptions): Promise<IngestSummary> {
  const started = performance.now();
  const now = ports.now ?? (() => new Date());
  const dlqTopic = dlqOf(options.topic);
  const splitter = new CsvRecordSplitter({ maxRecordBytes: options.maxRecordBytes ?? 1 << 20, keepBytes: MAX_DLQ_RAW_CHARS });
  const recent = new RecentIds(options.dedupeWindow ?? 1 << 18);
  const counts = { read: 0, accepted: 0, rejected: 0, duplicates: 0 };
  let batch: OutgoingMessage[] = [];
  let dead: OutgoingMessage[] = [];
  let detected: DetectedFormat | null = null;

  const flush = async (): Promise<void> => {
    if (batch.length) await produce(ports.eventLog, options.topic, batch, source.name);
    if (dead.length) await produce(ports.eventLog, dlqTopic, dead, source.name);
    counts.accepted += batch.length;
    counts.rejected += dead.length;
    batch = [];
    dead = [];
    options.onProgress?.({ read: counts.read, accepted: counts.accepted, rejected: counts.rejected, bytes: splitter.bytes });
  };
  const summary = (): IngestSummary => {
    const elapsed = performance.now() - started;
    return {
      file: source.name, format: detected?.format.ref.name ?? 'unknown', topic: options.topic, dlq_topic: dlqTopic,
      ...counts, blank_lines: splitter.blankLines, bytes: splitter.bytes,
      elapsed_ms: Math.round(elapsed), rows_per_s: Math.round(counts.read / Math.max(elapsed / 1000, 1e-9)),
    };
  };

  try {
    const input = decompressed(await source.open(), source.name);
    for await (const records of readCsvRecords(input, splitter)) {
      // One timestamp per chunk read: cheap, and still the time the rows entered the system.
      const ingestedAt = now().toISOString();
      for (const record of records) {
        if (detected === null) {
          detected = detectHeader(record, source.name);
          continue;
        }
        counts.read++;
        const outcome = toMessage(detected, record, source.name, ingestedAt);
        if (outcome.kind === 'dead') {
          dead.push(deadLetterMessage(source.name, record, outcome.reasons, detected.format.ref.name, ingestedAt));
        } else if (detected.format.identity.by === 'row' && recent.seen(outcome.id)) {
          counts.duplicates++;
        } else {
          batch.push(outcome.message);
        }
        if (batch.length >= options.batchSize || dead.length >= options.batchSize) await flush();
      }
    }
    await flush();
  } catch (e) {
    // What was read before the failure stays produced; the caller learns exactly how far it got.
    await flush().catch((flushError: unknown) => ports.logger.error('ingest: flush after failure failed', { error: flushError }));
    const partial = summary();
    throw e instanceof FraudflowError
      ? new FraudflowError(e.code, e.message, { ...e.details, partial }, { cause: e.cause, retriable: e.retriable })
      : wrapError(e, 'INTERNAL', `${source.name}: ingest failed`, { partial });
  }
  if (detected === null) {
    throw new FraudflowError('INPUT_INVALID', `${source.name}: the file is empty; expected a header line`, { file: source.name });
  }
  const result = summary();
  ports.logger.info('ingest done', { ...result });
  return result;
}

function detectHeader(record: CsvRecord, file: string): DetectedFormat {
  if (!record.fields) {
    throw new FraudflowError('FORMAT_UNKNOWN', `${file}: the header line cannot be read: ${record.error}`, { file, line: record.line });
  }
  return detectFormat(record.fields, file);
}

type Outcome = { kind: 'ok'; id: string; message: OutgoingMessage } | { kind: 'dead'; reasons: string[] };

function toMessage(detected: DetectedFormat, record: CsvRecord, file: string, ingestedAt: string): Outcome {
  if (!record.fields) return { kind: 'dead', reasons: [record.error ?? 'unreadable record'] };
  const identity = detected.format.identity as { by: 'line' } | { by: 'row'; idOf(row: unknown): string; keyOf(row: unknown): string };
  const decoded = decodeFields<unknown>(detected, record.fields, identity.by === 'row');
  if (!decoded.ok) return { kind: 'dead', reasons: decoded.reasons };
  const id = identity.by === 'line' ? lineId(detected.format, record.line, record.raw) : identity.idOf(decoded.row);
  const key = identity.by === 'line' ? id : identity.keyOf(decoded.row);
  // The envelope is written by hand around the payload JSON the decoder built from the validated text.
  const value = `{"id":"${id}","schema":${schemaJson(detected)},"source":{"file":${JSON.stringify(file)},"line":${record.line}},"ingested_at":"${ingestedAt}","payload":${decoded.json}}`;
  return { kind: 'ok', id, message: { key, value } };
}

const schemaJsonCache = new WeakMap<object, string>();
function schemaJson(detected: DetectedFormat): string {
  let s = schemaJsonCache.get(detected.format);
  if (!s) schemaJsonCache.set(detected.format, (s = JSON.stringify(detected.format.ref)));
  return s;
}

function deadLetterMessage(file: string, record: CsvRecord, reasons: string[], schema: string, at: string): OutgoingMessage {
  const letter: DeadLetter = {
    id: contentId(`dlq:${file}:${record.line}:${record.raw}`),
    file, line: record.line,
    raw: record.raw.slice(0, MAX_DLQ_RAW_CHARS),
    raw_truncated: record.raw.length > MAX_DLQ_RAW_CHARS || record.bytes > record.raw.length,
    raw_bytes: record.bytes,
    reasons, schema, rejected_at: at,
  };
  return { key: file, value: JSON.stringify(letter) };
}

async function produce(log: EventLog, topic: string, messages: OutgoingMessage[], file: string): Promise<void> {
  try {
    await log.produce(topic, messages);
  } catch (e) {
    throw wrapError(e, 'EVENTLOG_UNAVAILABLE', `${file}: producing ${messages.length} messages to ${topic} failed`, { topic, file });
  }
}
