// The ingest core: one uploaded CSV in, valid rows to the transactions topic, bad rows to its dead-letter topic.
import { FraudflowError, wrapError } from '../../shared/errors.ts';
import type { Logger } from '../../shared/logger.ts';
import type { EventLog, OutgoingMessage } from '../../shared/eventlog/port.ts';
import { CsvRecordSplitter, readCsvRecords, type CsvRecord } from '../../shared/csv/records.ts';
import { openDecompressed, type SourceStats } from '../../shared/csv/source.ts';
import { contentId, detectFormat, type DetectedFormat } from '../../shared/schema/formats.ts';
import type { ColumnMap } from '../../shared/schema/header.ts';
import { cutText, MAX_DLQ_RAW_CHARS, type DeadLetter } from '../../shared/schema/dead-letter.ts';
import { isWellFormed, toWellFormed } from '../../shared/schema/envelope.ts';
import { dlqOf } from '../../shared/topics.ts';
import { valueAt, type DeadRecord, type EncodedBlock } from './encode.ts';
import { inlineEncoder, type Encoder } from './encoder-pool.ts';
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
  /** Where rows are decoded and encoded: this thread by default, or a worker pool. */
  readonly encoder?: Encoder;
}

export interface IngestOptions {
  /** Where transactions go; a file of another kind (labels) goes to the topic `topicFor` names. */
  readonly topic: string;
  readonly topicFor?: (format: string) => string | undefined;
  readonly batchSize: number;
  readonly maxRecordBytes?: number;
  /** A compressed file inflating to more than this is refused before anything is produced (default 4 GiB). */
  readonly maxDecompressedBytes?: number;
  /** How many recent ids are remembered to catch repeats within one file (memory stays bounded). */
  readonly dedupeWindow?: number;
  /** Header names for columns the file calls otherwise (`--map amount=AMT`, or the upload's metadata). */
  readonly columnMap?: ColumnMap;
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
  /** Lines rejected alone after a quoted field ran past them, and the lines after them read again. */
  readonly quote_recoveries: number;
  readonly reread_lines: number;
  readonly elapsed_ms: number;
  readonly rows_per_s: number;
}

interface InFlight {
  readonly ingestedAt: string;
  readonly block: Promise<EncodedBlock>;
}

// eslint-disable-next-line max-lines-per-function -- ingest's whole flow (detect, encode, produce, count) in one place, as the style asks of a core (to split: issue 16)
export async function ingest(source: IngestSource, ports: IngestPorts, options: IngestOptions): Promise<IngestSummary> {
  const started = performance.now();
  const now = ports.now ?? (() => new Date());
  const encoder = ports.encoder ?? inlineEncoder;
  let topic = options.topic;
  let dlqTopic = dlqOf(topic);
  const limits = { maxRecordBytes: options.maxRecordBytes ?? 1 << 20, keepBytes: MAX_DLQ_RAW_CHARS };
  const splitter = new CsvRecordSplitter({ ...limits, blocks: encoder.takesBlocks });
  let blankInBlocks = 0;
  const encoderRecovery = { recoveries: 0, rereadLines: 0 };
  const recent = new RecentIds(options.dedupeWindow ?? 1 << 18);
  const counts = { read: 0, accepted: 0, rejected: 0, duplicates: 0 };
  let batch: OutgoingMessage[] = [];
  let dead: OutgoingMessage[] = [];
  let detected: DetectedFormat | null = null;
  let header: string[] = [];
  const inflight: InFlight[] = [];

  // One produce may be in flight while the next batch is encoded; produces start in order, so per-partition order holds.
  let producing: Promise<void> = Promise.resolve();
  const flush = async (): Promise<void> => {
    const good = batch;
    const bad = dead;
    batch = [];
    dead = [];
    await producing;
    producing = (async () => {
      if (good.length) await produce(ports.eventLog, topic, good, source.name);
      counts.accepted += good.length;
      if (bad.length) await produce(ports.eventLog, dlqTopic, bad, source.name);
      counts.rejected += bad.length;
      options.onProgress?.({
        read: counts.read,
        accepted: counts.accepted,
        rejected: counts.rejected,
        bytes: splitter.bytes,
      });
    })();
    producing.catch(() => undefined); // awaited by the next flush or at the end
  };
  const finish = async (): Promise<void> => {
    await flush();
    await producing;
  };
  const settle = async (item: InFlight): Promise<void> => {
    const block = await item.block;
    const schema = detected!.format.ref.name;
    counts.read += block.read;
    blankInBlocks += block.blankLines;
    encoderRecovery.recoveries += block.recoveries;
    encoderRecovery.rereadLines += block.rereadLines;
    for (const d of block.dead) dead.push(deadLetterMessage(source.name, d, d.reasons, schema, item.ingestedAt));
    const byRow = detected!.format.identity.by === 'row';
    for (let i = 0; i < block.ids.length; i++) {
      if (byRow && recent.seen(block.ids[i]!)) counts.duplicates++;
      else batch.push({ key: block.keys[i]!, value: valueAt(block, i) });
    }
    if (batch.length >= options.batchSize || dead.length >= options.batchSize) await flush();
  };
  const summary = (): IngestSummary => {
    const elapsed = performance.now() - started;
    return {
      file: source.name,
      format: detected?.format.ref.name ?? 'unknown',
      topic,
      dlq_topic: dlqTopic,
      ...counts,
      blank_lines: splitter.blankLines + blankInBlocks,
      quote_recoveries: splitter.quoteRecoveries + encoderRecovery.recoveries,
      reread_lines: splitter.rereadLines + encoderRecovery.rereadLines,
      bytes: splitter.bytes,
      elapsed_ms: Math.round(elapsed),
      rows_per_s: Math.round(counts.read / Math.max(elapsed / 1000, 1e-9)),
    };
  };

  const stats: SourceStats = { compressed: false, verifiedBytes: 0 };
  try {
    if (!isWellFormed(source.name)) {
      throw new FraudflowError(
        'INPUT_INVALID',
        `${toWellFormed(source.name)}: the object name is not well-formed Unicode (a lone UTF-16 surrogate); nothing was read`,
        { file: toWellFormed(source.name) },
      );
    }
    const input = openDecompressed(
      () => source.open(),
      source.name,
      {
        maxDecompressedBytes: options.maxDecompressedBytes ?? 4 * 2 ** 30,
      },
      stats,
    );
    for await (const records of readCsvRecords(input, splitter)) {
      // One timestamp per chunk read: cheap, and still the time the rows entered the system.
      const ingestedAt = now().toISOString();
      let start = 0;
      if (detected === null) {
        detected = detectHeader(records[0]!, source.name, options.columnMap);
        header = canonicalHeader(detected, records[0]!.fields!);
        topic = options.topicFor?.(detected.format.ref.name) ?? options.topic;
        dlqTopic = dlqOf(topic);
        start = 1;
      }
      const good = start === 0 ? records : records.slice(start);
      if (good.length === 0) continue;
      const block = encoder.encode(detected, header, good, source.name, ingestedAt, limits);
      block.catch(() => undefined); // awaited in order by settle(); this only keeps a failure from going unhandled meanwhile
      inflight.push({ ingestedAt, block });
      while (inflight.length >= encoder.depth) await settle(inflight.shift()!);
    }
    while (inflight.length) await settle(inflight.shift()!);
    await finish();
  } catch (e) {
    // What was read before the failure stays produced; the caller learns exactly how far it got.
    await drainAfterFailure(inflight, settle, finish, ports.logger);
    const partial = {
      ...summary(),
      file: toWellFormed(source.name),
      compressed: stats.compressed,
      verified_bytes: stats.verifiedBytes,
    };
    throw e instanceof FraudflowError
      ? new FraudflowError(e.code, e.message, { ...e.details, partial }, { cause: e.cause, retriable: e.retriable })
      : wrapError(e, 'INTERNAL', `${source.name}: ingest failed`, { partial });
  }
  if (detected === null) {
    throw new FraudflowError('INPUT_INVALID', `${source.name}: the file is empty; expected a header line`, {
      file: source.name,
    });
  }
  const result = summary();
  ports.logger.info('ingest done', { ...result });
  return result;
}

async function drainAfterFailure(
  inflight: InFlight[],
  settle: (i: InFlight) => Promise<void>,
  flush: () => Promise<void>,
  logger: Logger,
): Promise<void> {
  try {
    while (inflight.length) await settle(inflight.shift()!);
    await flush();
  } catch (e) {
    logger.error('ingest: producing what was read before the failure failed too', { error: e });
  }
}

/**
 * The header as the encoder's worker threads get it: each matched column under its own name, every other field
 * renamed out of the way, so detecting it again there needs neither the synonyms nor the user's map.
 */
function canonicalHeader(detected: DetectedFormat, fields: readonly string[]): string[] {
  const names = fields.map((_, i) => `_unused_${i}`);
  detected.format.columns.forEach((c, k) => {
    const at = detected.indexOf[k]!;
    if (at >= 0) names[at] = c.name;
  });
  return names;
}

function detectHeader(record: CsvRecord, file: string, map?: ColumnMap): DetectedFormat {
  if (!record.fields) {
    throw new FraudflowError('FORMAT_UNKNOWN', `${file}: the header line cannot be read: ${record.error}`, {
      file,
      line: record.line,
    });
  }
  return detectFormat(record.fields, file, map);
}

function deadLetterMessage(
  file: string,
  record: DeadRecord,
  reasons: string[],
  schema: string,
  at: string,
): OutgoingMessage {
  const letter: DeadLetter = {
    id: contentId(`dlq:${file}:${record.line}:${record.raw}`),
    file,
    line: record.line,
    raw: cutText(record.raw, MAX_DLQ_RAW_CHARS),
    raw_truncated: record.raw.length > MAX_DLQ_RAW_CHARS || record.bytes > record.raw.length,
    raw_bytes: record.bytes,
    reasons,
    schema,
    rejected_at: at,
  };
  return { key: file, value: JSON.stringify(letter) };
}

async function produce(log: EventLog, topic: string, messages: OutgoingMessage[], file: string): Promise<void> {
  try {
    await log.produce(topic, messages);
  } catch (e) {
    throw wrapError(e, 'EVENTLOG_UNAVAILABLE', `${file}: producing ${messages.length} messages to ${topic} failed`, {
      topic,
      file,
    });
  }
}
