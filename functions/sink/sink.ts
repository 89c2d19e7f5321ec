// The sink core: drain each topic from the group's committed offsets into the warehouse, commit only after the write.
import type { Logger } from '../../shared/logger.ts';
import { lagOf, nextOffsets, type EventLog, type LogRecord } from '../../shared/eventlog/port.ts';
import type { Row, Warehouse } from '../../shared/warehouse/port.ts';
import type { TableName } from '../../shared/warehouse/tables.ts';
import { checkEnvelope, PAYLOAD_SCHEMAS } from '../../shared/schema/registry.ts';
import { envelopeMatcher, type EnvelopeMatcher } from '../../shared/schema/fast-envelope.ts';
import { DeadLetter } from '../../shared/schema/dead-letter.ts';
import { flatten } from '../../shared/warehouse/flatten.ts';
import { deadLetterRow, poisonRow } from './rows.ts';
import { issueLines } from '../../shared/schema/issues.ts';
import { illFormedPath } from '../../shared/schema/envelope.ts';
import { isUtf8 } from 'node:buffer';
import { writeIsolating } from './isolate.ts';

export interface SinkRoute {
  readonly topic: string;
  readonly table: TableName;
  /** Envelopes (transactions, verdicts, labels) or dead letters (the .dlq topics). */
  readonly kind: 'envelope' | 'dead-letter';
}

/** Points where a test can stop the sink to prove a crash there loses and duplicates nothing. */
export type FaultPoint = 'before-write' | 'after-write';

export interface SinkPorts {
  readonly eventLog: EventLog;
  readonly warehouse: Warehouse;
  readonly logger: Logger;
  readonly now?: () => Date;
  readonly fault?: (point: FaultPoint, topic: string) => Promise<void>;
}

export interface SinkOptions {
  readonly routes: readonly SinkRoute[];
  readonly group: string;
  /** Stop a topic after this many messages in one run. */
  readonly maxRows: number;
  /** Stop the run after this long (the current batch finishes). */
  readonly maxSeconds: number;
  readonly batchSize: number;
  /** Stop gathering a batch once its messages hold this many bytes (memory is bounded by bytes, not rows). */
  readonly batchBytes?: number;
}

export interface TopicSummary {
  readonly topic: string;
  readonly table: TableName;
  readonly rows: number;
  readonly inserted: number;
  readonly duplicates: number;
  readonly poison: number;
  readonly batches: number;
  readonly lag_left: number;
  readonly elapsed_ms: number;
}

export async function sink(ports: SinkPorts, options: SinkOptions): Promise<TopicSummary[]> {
  const deadline = Date.now() + options.maxSeconds * 1000;
  const summaries: TopicSummary[] = [];
  for (const route of options.routes) summaries.push(await drainTopic(route, ports, options, deadline));
  ports.logger.info('sink done', { topics: summaries });
  return summaries;
}

async function drainTopic(
  route: SinkRoute,
  ports: SinkPorts,
  options: SinkOptions,
  deadline: number,
): Promise<TopicSummary> {
  const started = performance.now();
  const now = ports.now ?? (() => new Date());
  const totals = { rows: 0, inserted: 0, duplicates: 0, poison: 0, batches: 0 };
  const consumer = await ports.eventLog.consumer(options.group, route.topic);
  const sizes: MessageSizes = { average: 0, seen: 0 };
  try {
    while (totals.rows < options.maxRows && Date.now() < deadline) {
      const records = await gather(
        consumer,
        Math.min(options.batchSize, options.maxRows - totals.rows),
        options,
        sizes,
      );
      if (records.length === 0) break;
      const written = await writeBatch(route, ports, records, now().toISOString());
      await ports.fault?.('after-write', route.topic);
      // Only now is the batch safe in the warehouse: a crash before this line re-reads it, and ids dedupe it.
      await consumer.commit(nextOffsets(records));
      totals.rows += records.length;
      totals.inserted += written.inserted;
      totals.duplicates += written.duplicates;
      totals.poison += written.poison;
      totals.batches++;
    }
  } finally {
    await consumer.close();
  }
  const lag = lagOf(
    await ports.eventLog.describeTopic(route.topic),
    await ports.eventLog.committedOffsets(options.group, route.topic),
  );
  return {
    topic: route.topic,
    table: route.table,
    ...totals,
    lag_left: lag,
    elapsed_ms: Math.round(performance.now() - started),
  };
}

/**
 * One batch into the warehouse: fast-path envelopes by schema, the other rows, then the poison. A message the
 * warehouse refuses (one DuckDB's JSON reader cannot read, say) is isolated and dead-lettered; the rest lands.
 */
async function writeBatch(
  route: SinkRoute,
  ports: SinkPorts,
  records: LogRecord[],
  at: string,
): Promise<{ inserted: number; duplicates: number; poison: number }> {
  const { rows, fast, poison } = toRows(route, records, at);
  await ports.fault?.('before-write', route.topic);
  const written = { inserted: 0, duplicates: 0 };
  const refused = (record: LogRecord, reason: string): void => {
    ports.logger.warn('sink: the warehouse refused a message; dead-lettered', {
      topic: record.topic,
      partition: record.partition,
      offset: record.offset,
      reason,
    });
    poison.push(poisonRow(record, [`the warehouse refused it: ${reason}`], at));
  };
  for (const [schemaName, list] of fast) {
    const append = (part: Readonly<typeof list>) =>
      ports.warehouse.appendEnvelopes(
        route.table,
        schemaName,
        part.map((r) => r.value),
      );
    add(written, await writeIsolating(list, append, refused));
  }
  const appendRows = (part: Readonly<typeof rows>) =>
    ports.warehouse.append(
      route.table,
      part.map((p) => p.row),
    );
  add(written, await writeIsolating(rows, appendRows, (p, reason) => refused(p.record, reason)));
  if (poison.length) await ports.warehouse.append('dead_letters', poison);
  return { ...written, poison: poison.length };
}

/** Polls until the batch holds `maxRecords` messages or `batchBytes` bytes, or the topic has nothing more now. */
async function gather(
  consumer: { poll(o: { maxRecords: number; maxWaitMs: number }): Promise<LogRecord[]> },
  maxRecords: number,
  options: SinkOptions,
  sizes: MessageSizes,
): Promise<LogRecord[]> {
  const budget = options.batchBytes ?? Number.POSITIVE_INFINITY;
  const out: LogRecord[] = [];
  let bytes = 0;
  // Sized from the messages seen so far (the previous batches too); until then a small probe learns how large they are.
  const fit = (room: number) => Math.max(1, Math.floor(room / sizes.average));
  let ask = Math.min(maxRecords, Number.isFinite(budget) ? (sizes.seen ? fit(budget) : PROBE_RECORDS) : maxRecords);
  for (;;) {
    const got = await consumer.poll({ maxRecords: ask, maxWaitMs: out.length === 0 ? 300 : 50 });
    for (const r of got) {
      out.push(r);
      bytes += r.value.length;
    }
    if (got.length > 0) {
      const polled = got.reduce((n, r) => n + r.value.length, 0);
      sizes.average = (sizes.average * sizes.seen + polled) / (sizes.seen + got.length);
      sizes.seen += got.length;
    }
    const left = maxRecords - out.length;
    if (got.length < ask || left <= 0 || bytes >= budget) return out;
    ask = Math.min(left, fit(budget - bytes));
  }
}

/** The first poll of a drain when a byte budget is set: few enough messages to stay within any budget that fits them. */
const PROBE_RECORDS = 32;

/** The running average size of the messages of one drain, which sizes each poll to the byte budget. */
interface MessageSizes {
  average: number;
  seen: number;
}

function add(total: { inserted: number; duplicates: number }, r: { inserted: number; duplicates: number }): void {
  total.inserted += r.inserted;
  total.duplicates += r.duplicates;
}

/** Matchers of the canonical envelope text, for the payload schemas that have one (all-numeric bounds). */
const MATCHERS: Array<[string, EnvelopeMatcher]> = Object.keys(PAYLOAD_SCHEMAS)
  .map((name) => [name, envelopeMatcher(name)] as const)
  .filter((m): m is [string, EnvelopeMatcher] => m[1] !== null);

interface Batch {
  /** Parsed and validated by zod (the slow path), with the message each came from. */
  rows: Array<{ record: LogRecord; row: Row }>;
  /** Messages whose text its schema's matcher proved valid, by schema name: the warehouse parses the text. */
  fast: Map<string, LogRecord[]>;
  poison: Row[];
}

function toRows(route: SinkRoute, records: readonly LogRecord[], at: string): Batch {
  const rows: Batch['rows'] = [];
  const poison: Row[] = [];
  const fast = new Map<string, LogRecord[]>();
  for (const record of records) {
    if (route.kind === 'envelope') {
      // Bytes that are not UTF-8 would reach the warehouse altered (U+FFFD) or be refused by it: dead-lettered.
      if (!isUtf8(record.value)) {
        poison.push(poisonRow(record, ['not valid UTF-8'], at));
        continue;
      }
      const hit = MATCHERS.find(([, matches]) => matches(record.value.toString('utf8')));
      if (hit) {
        let list = fast.get(hit[0]);
        if (!list) fast.set(hit[0], (list = []));
        list.push(record);
        continue;
      }
      const checked = checkEnvelope(record.value);
      const bad = checked.ok ? illFormedPath(checked.envelope) : null;
      if (!checked.ok) poison.push(poisonRow(record, checked.reasons, at));
      else if (bad !== null)
        poison.push(poisonRow(record, [`${bad}: not well-formed Unicode (a lone UTF-16 surrogate)`], at));
      else rows.push({ record, row: flatten(route.table, checked.envelope) });
    } else {
      let parsed: unknown;
      try {
        parsed = JSON.parse(record.value.toString('utf8'));
      } catch (e) {
        poison.push(poisonRow(record, [`not JSON: ${(e as Error).message}`], at));
        continue;
      }
      const letter = DeadLetter.safeParse(parsed);
      if (letter.success) rows.push({ record, row: deadLetterRow(route.topic, letter.data) });
      else poison.push(poisonRow(record, issueLines(letter.error, ''), at));
    }
  }
  return { rows, fast, poison };
}
