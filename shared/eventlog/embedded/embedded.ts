// The embedded event log: SQLite (WAL) under the data directory, multi-process safe, durable on acknowledge.

import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type Database from 'better-sqlite3';
import { FraudflowError, wrapError } from '../../errors.ts';
import { partitionForKey } from '../partitioner.ts';
import { decodeBatch } from './record-batch.ts';
import { SegmentFiles } from './segments.ts';
import { EmbeddedConsumer } from './consumer.ts';
import { prepareStatements, type PartitionRow, type Statements } from './statements.ts';
import { planRead, sqliteBatchIndex } from './read-plan.ts';
import { appendBatches, encodeAppend, type Appended, type PartitionAppend } from './append.ts';
import { openIndex } from './connection.ts';
import { WriterThread } from './writer.ts';
import type {
  EventLog,
  GroupConsumer,
  LogRecord,
  OutgoingMessage,
  PartitionInfo,
  PartitionOffset,
  ProduceResult,
  TopicInfo,
  TopicSpec,
} from '../port.ts';

/**
 * Messages are stored in record batches written once to a segment file per partition; SQLite holds
 * the index, one row per batch keyed by (partition row id << 40) + base offset, and is the lock that
 * serialises writers across processes. A batch's bytes are durable before its index row commits.
 */
const MAX_PARTITION_ROWS = 8191; // keeps (id << 40) + offset within 2^53

export interface EmbeddedEventLogOptions {
  /** Path of the SQLite file, e.g. `<dataDir>/eventlog.sqlite`. */
  readonly path: string;
  /** FULL survives power loss; NORMAL survives a killed process. Both survive `kill -9`. */
  readonly synchronous?: 'FULL' | 'NORMAL';
  /** How long a consumer owns its partitions without polling or committing. */
  readonly leaseMs?: number;
  /** How long a writer waits for another process's write lock. */
  readonly busyTimeoutMs?: number;
  /**
   * Produces are written, synced and committed on a writer thread (the default), so the caller's thread keeps
   * parsing meanwhile; false does it on the caller's thread. Acknowledged means durable either way.
   */
  readonly writerThread?: boolean;
}

export class EmbeddedEventLog implements EventLog {
  readonly kind = 'embedded';
  private readonly db: Database.Database;
  private readonly partitionCache = new Map<string, PartitionRow[]>();
  readonly leaseMs: number;
  private readonly stmts: Statements;
  private readonly segments: SegmentFiles;
  private readonly writer: WriterThread | undefined;

  constructor(private readonly options: EmbeddedEventLogOptions) {
    mkdirSync(dirname(options.path), { recursive: true });
    const connection = {
      path: options.path,
      synchronous: options.synchronous ?? 'FULL',
      busyTimeoutMs: options.busyTimeoutMs ?? 30_000,
    } as const;
    try {
      this.db = openIndex(connection);
    } catch (e) {
      throw wrapError(e, 'EVENTLOG_UNAVAILABLE', `cannot open the embedded event log at ${options.path}`, {
        path: options.path,
      });
    }
    this.leaseMs = options.leaseMs ?? 30_000;
    this.segments = new SegmentFiles(`${options.path}.segments`, (options.synchronous ?? 'FULL') === 'FULL');
    this.stmts = prepareStatements(this.db);
    this.writer = options.writerThread === false ? undefined : new WriterThread(connection);
  }

  async ensureTopic(spec: TopicSpec): Promise<void> {
    if (!Number.isInteger(spec.partitions) || spec.partitions < 1) {
      throw new FraudflowError('INPUT_INVALID', `topic ${spec.name}: partitions must be a positive integer`, {
        topic: spec.name,
        partitions: spec.partitions,
      });
    }
    this.write('ensureTopic', spec.name, () => {
      this.stmts.insertTopic.run(spec.name, spec.partitions, spec.retentionMs ?? null, Date.now());
      const existing = this.stmts.topic.get(spec.name);
      const count = existing?.partitions ?? spec.partitions;
      for (let p = 0; p < count; p++) this.stmts.insertPartition.run(spec.name, p);
    });
    this.partitionCache.delete(spec.name);
    const rows = this.partitionRows(spec.name);
    if (rows.some((r) => r.id > MAX_PARTITION_ROWS)) {
      throw new FraudflowError(
        'EVENTLOG_FAILED',
        `the embedded log holds at most ${MAX_PARTITION_ROWS} partitions in all`,
        { topic: spec.name },
      );
    }
  }

  async produce(topic: string, messages: readonly OutgoingMessage[]): Promise<ProduceResult> {
    const parts = this.partitionRows(topic);
    const byPartition = new Map<number, OutgoingMessage[]>();
    for (const m of messages) {
      const p = partitionForKey(m.key, parts.length);
      let list = byPartition.get(p);
      if (!list) byPartition.set(p, (list = []));
      list.push(m);
    }
    const appends: PartitionAppend[] = [];
    for (const [p, list] of byPartition) appends.push(encodeAppend(parts[p]!.id, p, list));
    const now = Date.now();
    const written: Appended[] = this.writer
      ? await this.writer.append(topic, appends, now)
      : this.write('produce', topic, () => appendBatches(this.stmts, this.segments, appends, now));
    written.sort((a, b) => a.partition - b.partition);
    return { topic, count: messages.length, partitions: written };
  }

  async consumer(group: string, topic: string): Promise<GroupConsumer> {
    this.partitionRows(topic);
    return new EmbeddedConsumer(this, group, topic, `${hostname()}:${process.pid}:${randomUUID()}`);
  }

  async committedOffsets(group: string, topic: string): Promise<PartitionOffset[]> {
    return this.committedNow(group, topic);
  }

  committedNow(group: string, topic: string): PartitionOffset[] {
    return this.stmts.committed.all(group, topic).map((r) => ({ partition: r.partition, offset: r.next_offset }));
  }

  /** Distinct owners of unexpired leases on the topic's partitions whose process still lives. */
  async activeMembers(group: string, topic: string): Promise<number> {
    const now = Date.now();
    const owners = new Set<string>();
    for (const row of this.partitionRows(topic)) {
      const lease = this.stmts.lease.get(group, topic, row.partition);
      if (lease && lease.expires_at >= now && !ownerIsDead(lease.owner)) owners.add(lease.owner);
    }
    return owners.size;
  }

  async listTopics(): Promise<TopicInfo[]> {
    return Promise.all(this.stmts.topics.all().map((t) => this.describeTopic(t.name)));
  }

  async describeTopic(topic: string): Promise<TopicInfo> {
    this.partitionRows(topic);
    const partitions: PartitionInfo[] = this.stmts.partitions.all(topic).map((r) => ({
      partition: r.partition,
      lowWatermark: r.low_offset,
      highWatermark: r.next_offset,
    }));
    return { name: topic, partitions };
  }

  async close(): Promise<void> {
    await this.writer?.close();
    if (this.db.open) this.db.close();
    this.segments.close();
  }

  // ---- used by EmbeddedConsumer ----

  partitionRows(topic: string): PartitionRow[] {
    let rows = this.partitionCache.get(topic);
    if (!rows) {
      rows = this.stmts.partitions.all(topic);
      if (rows.length === 0) {
        throw new FraudflowError(
          'EVENTLOG_FAILED',
          `topic "${topic}" does not exist in the embedded log; create it first (fraudflow topics)`,
          { topic },
        );
      }
      this.partitionCache.set(topic, rows);
    }
    return rows;
  }

  readPartition(row: PartitionRow, fromOffset: number, limit: number, topic: string): LogRecord[] {
    const out: LogRecord[] = [];
    for (const { batch, skip, take } of planRead(sqliteBatchIndex(this.stmts, row.id), fromOffset, limit)) {
      const messages = decodeBatch(this.segments.read(row.id, batch.pos, batch.len), skip, take);
      for (let i = 0; i < messages.length; i++) {
        const m = messages[i]!;
        out.push({
          topic,
          partition: row.partition,
          offset: batch.first + skip + i,
          key: m.key,
          value: m.value,
          timestamp: batch.ts,
          headers: m.headers ? (JSON.parse(m.headers) as Record<string, string>) : {},
        });
      }
    }
    return out;
  }

  /** Claims every partition whose lease is free, expired or ours; returns the partitions now owned. */
  claim(group: string, topic: string, owner: string): Set<number> {
    const owned = new Set<number>();
    const now = Date.now();
    this.write('claim', topic, () => {
      for (const row of this.partitionRows(topic)) {
        const lease = this.stmts.lease.get(group, topic, row.partition);
        if (!lease || lease.owner === owner || lease.expires_at < now || ownerIsDead(lease.owner)) {
          this.stmts.takeLease.run(group, topic, row.partition, owner, now + this.leaseMs);
          owned.add(row.partition);
        }
      }
    });
    return owned;
  }

  commitOwned(group: string, topic: string, owner: string, offsets: readonly PartitionOffset[]): void {
    const now = Date.now();
    this.write('commit', topic, () => {
      for (const o of offsets) {
        const lease = this.stmts.lease.get(group, topic, o.partition);
        if (!lease || lease.owner !== owner) {
          throw new FraudflowError(
            'EVENTLOG_FAILED',
            `group ${group} lost partition ${topic}[${o.partition}] to another member; not committing`,
            { group, topic, partition: o.partition },
          );
        }
        this.stmts.commit.run(group, topic, o.partition, o.offset, now);
        this.stmts.takeLease.run(group, topic, o.partition, owner, now + this.leaseMs);
      }
    });
  }

  release(group: string, topic: string, owner: string): void {
    if (this.db.open) this.write('release', topic, () => this.stmts.releaseLease.run(group, topic, owner));
  }

  private write<T>(op: string, topic: string, fn: () => T): T {
    try {
      return this.db.transaction(fn).immediate();
    } catch (e) {
      if (e instanceof FraudflowError) throw e;
      const busy = (e as { code?: string }).code === 'SQLITE_BUSY';
      throw wrapError(e, busy ? 'EVENTLOG_UNAVAILABLE' : 'EVENTLOG_FAILED', `embedded log ${op} on "${topic}" failed`, {
        topic,
        path: this.options.path,
      });
    }
  }
}

/** A lease held by a process of this host that no longer exists is free at once, not after it expires. */
function ownerIsDead(owner: string): boolean {
  const [host, pid] = owner.split(':');
  if (host !== hostname() || !pid || Number(pid) === process.pid) return false;
  try {
    process.kill(Number(pid), 0);
    return false;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'ESRCH';
  }
}
