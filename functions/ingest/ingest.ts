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
import { valueAt, type DeadRecord, type EncodedBlock, type Limits } from './encode.ts';
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

/** The state of one file's ingest: what is read, in flight, batched and counted. */
interface Run {
  readonly source: IngestSource;
  readonly ports: IngestPorts;
  readonly options: IngestOptions;
  readonly started: number;
  readonly encoder: Encoder;
  readonly limits: Limits;
  readonly splitter: CsvRecordSplitter;
  readonly recent: RecentIds;
  readonly counts: { read: number; accepted: number; rejected: number; duplicates: number };
  readonly inBlocks: { blankLines: number; recoveries: number; rereadLines: number };
  readonly inflight: InFlight[];
  readonly stats: SourceStats;
  topic: string;
  dlqTopic: string;
  detected: DetectedFormat | null;
  header: string[];
  batch: OutgoingMessage[];
  dead: OutgoingMessage[];
  /** One produce may be in flight while the next batch is encoded; produces start in order, so per-partition order holds. */
  producing: Promise<void>;
}

export async function ingest(source: IngestSource, ports: IngestPorts, options: IngestOptions): Promise<IngestSummary> {
  const run = startRun(source, ports, options);
  try {
    await readAll(run);
  } catch (e) {
    throw await failed(run, e);
  }
  if (run.detected === null) {
    throw new FraudflowError('INPUT_INVALID', `${source.name}: the file is empty; expected a header line`, {
      file: source.name,
    });
  }
  const result = summaryOf(run);
  ports.logger.info('ingest done', { ...result });
  return result;
}

function startRun(source: IngestSource, ports: IngestPorts, options: IngestOptions): Run {
  const encoder = ports.encoder ?? inlineEncoder;
  const limits = { maxRecordBytes: options.maxRecordBytes ?? 1 << 20, keepBytes: MAX_DLQ_RAW_CHARS };
  return {
    source,
    ports,
    options,
    started: performance.now(),
    encoder,
    limits,
    splitter: new CsvRecordSplitter({ ...limits, blocks: encoder.takesBlocks }),
    recent: new RecentIds(options.dedupeWindow ?? 1 << 18),
    counts: { read: 0, accepted: 0, rejected: 0, duplicates: 0 },
    inBlocks: { blankLines: 0, recoveries: 0, rereadLines: 0 },
    inflight: [],
    stats: { compressed: false, verifiedBytes: 0 },
    topic: options.topic,
    dlqTopic: dlqOf(options.topic),
    detected: null,
    header: [],
    batch: [],
    dead: [],
    producing: Promise.resolve(),
  };
}

async function readAll(run: Run): Promise<void> {
  const name = run.source.name;
  if (!isWellFormed(name)) {
    throw new FraudflowError(
      'INPUT_INVALID',
      `${toWellFormed(name)}: the object name is not well-formed Unicode (a lone UTF-16 surrogate); nothing was read`,
      { file: toWellFormed(name) },
    );
  }
  const maxDecompressedBytes = run.options.maxDecompressedBytes ?? 4 * 2 ** 30;
  const input = openDecompressed(() => run.source.open(), name, { maxDecompressedBytes }, run.stats);
  for await (const records of readCsvRecords(input, run.splitter)) await submit(run, records);
  while (run.inflight.length) await settle(run, run.inflight.shift()!);
  await finish(run);
}

/** Hands one chunk's records to the encoder (the first chunk's first record is the header). */
async function submit(run: Run, records: CsvRecord[]): Promise<void> {
  // One timestamp per chunk read: cheap, and still the time the rows entered the system.
  const ingestedAt = (run.ports.now ?? (() => new Date()))().toISOString();
  let start = 0;
  if (run.detected === null) {
    run.detected = detectHeader(records[0]!, run.source.name, run.options.columnMap);
    run.header = canonicalHeader(run.detected, records[0]!.fields!);
    run.topic = run.options.topicFor?.(run.detected.format.ref.name) ?? run.options.topic;
    run.dlqTopic = dlqOf(run.topic);
    start = 1;
  }
  const good = start === 0 ? records : records.slice(start);
  if (good.length === 0) return;
  const block = run.encoder.encode(run.detected, run.header, good, run.source.name, ingestedAt, run.limits);
  block.catch(() => undefined); // awaited in order by settle(); this only keeps a failure from going unhandled meanwhile
  run.inflight.push({ ingestedAt, block });
  while (run.inflight.length >= run.encoder.depth) await settle(run, run.inflight.shift()!);
}

/** Takes an encoded block into the batches, dropping ids already accepted earlier in the file. */
async function settle(run: Run, item: InFlight): Promise<void> {
  const block = await item.block;
  const { counts, inBlocks, source } = run;
  const schema = run.detected!.format.ref.name;
  counts.read += block.read;
  inBlocks.blankLines += block.blankLines;
  inBlocks.recoveries += block.recoveries;
  inBlocks.rereadLines += block.rereadLines;
  for (const d of block.dead) run.dead.push(deadLetterMessage(source.name, d, d.reasons, schema, item.ingestedAt));
  const byRow = run.detected!.format.identity.by === 'row';
  for (let i = 0; i < block.ids.length; i++) {
    if (byRow && run.recent.seen(block.ids[i]!)) counts.duplicates++;
    else run.batch.push({ key: block.keys[i]!, value: valueAt(block, i) });
  }
  if (run.batch.length >= run.options.batchSize || run.dead.length >= run.options.batchSize) await flush(run);
}

/** Starts producing the batches once the previous produce is done; counts them when acknowledged. */
async function flush(run: Run): Promise<void> {
  const good = run.batch;
  const bad = run.dead;
  run.batch = [];
  run.dead = [];
  await run.producing;
  const { counts, ports, source } = run;
  run.producing = (async () => {
    if (good.length) await produce(ports.eventLog, run.topic, good, source.name);
    counts.accepted += good.length;
    if (bad.length) await produce(ports.eventLog, run.dlqTopic, bad, source.name);
    counts.rejected += bad.length;
    const { read, accepted, rejected } = counts;
    run.options.onProgress?.({ read, accepted, rejected, bytes: run.splitter.bytes });
  })();
  run.producing.catch(() => undefined); // awaited by the next flush or at the end
}

async function finish(run: Run): Promise<void> {
  await flush(run);
  await run.producing;
}

function summaryOf(run: Run): IngestSummary {
  const elapsed = performance.now() - run.started;
  const { splitter, inBlocks, counts } = run;
  return {
    file: run.source.name,
    format: run.detected?.format.ref.name ?? 'unknown',
    topic: run.topic,
    dlq_topic: run.dlqTopic,
    ...counts,
    blank_lines: splitter.blankLines + inBlocks.blankLines,
    quote_recoveries: splitter.quoteRecoveries + inBlocks.recoveries,
    reread_lines: splitter.rereadLines + inBlocks.rereadLines,
    bytes: splitter.bytes,
    elapsed_ms: Math.round(elapsed),
    rows_per_s: Math.round(counts.read / Math.max(elapsed / 1000, 1e-9)),
  };
}

/** What was read before the failure stays produced; the error tells the caller exactly how far it got. */
async function failed(run: Run, e: unknown): Promise<FraudflowError> {
  await drainAfterFailure(run);
  const partial = {
    ...summaryOf(run),
    file: toWellFormed(run.source.name),
    compressed: run.stats.compressed,
    verified_bytes: run.stats.verifiedBytes,
  };
  return e instanceof FraudflowError
    ? new FraudflowError(e.code, e.message, { ...e.details, partial }, { cause: e.cause, retriable: e.retriable })
    : wrapError(e, 'INTERNAL', `${run.source.name}: ingest failed`, { partial });
}

async function drainAfterFailure(run: Run): Promise<void> {
  try {
    while (run.inflight.length) await settle(run, run.inflight.shift()!);
    await finish(run);
  } catch (e) {
    run.ports.logger.error('ingest: producing what was read before the failure failed too', { error: e });
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
