// The embedded event log: SQLite (WAL) under the data directory, multi-process safe, durable on acknowledge.

import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import Database from 'better-sqlite3';
import { FraudflowError, wrapError } from '../errors.ts';
import { partitionForKey } from './partitioner.ts';
import { decodeBatch, encodeBatch } from './record-batch.ts';
import { SegmentFiles } from './segments.ts';
import type {
  EventLog,
  GroupConsumer,
  LogRecord,
  OutgoingMessage,
  PartitionInfo,
  PartitionOffset,
  PollOptions,
  ProduceResult,
  TopicInfo,
  TopicSpec,
} from './port.ts';

/**
 * Messages are stored in record batches written once to a segment file per partition; SQLite holds
 * the index, one row per batch keyed by (partition row id << 40) + base offset, and is the lock that
 * serialises writers across processes. A batch's bytes are durable before its index row commits.
 */
const OFFSET_BITS = 2 ** 40;
const MAX_PARTITION_ROWS = 8191; // keeps (id << 40) + offset within 2^53
const MAX_BATCH_MESSAGES = 20_000;
const MAX_BATCH_BYTES = 8 << 20;

export interface EmbeddedEventLogOptions {
  /** Path of the SQLite file, e.g. `<dataDir>/eventlog.sqlite`. */
  readonly path: string;
  /** FULL survives power loss; NORMAL survives a killed process. Both survive `kill -9`. */
  readonly synchronous?: 'FULL' | 'NORMAL';
  /** How long a consumer owns its partitions without polling or committing. */
  readonly leaseMs?: number;
  /** How long a writer waits for another process's write lock. */
  readonly busyTimeoutMs?: number;
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS topics (name TEXT PRIMARY KEY, partitions INTEGER NOT NULL, retention_ms INTEGER, created_at INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS partitions (id INTEGER PRIMARY KEY, topic TEXT NOT NULL, partition INTEGER NOT NULL,
  next_offset INTEGER NOT NULL DEFAULT 0, low_offset INTEGER NOT NULL DEFAULT 0, end_pos INTEGER NOT NULL DEFAULT 0, UNIQUE (topic, partition));
CREATE TABLE IF NOT EXISTS segment_batches (rid INTEGER PRIMARY KEY, count INTEGER NOT NULL, ts INTEGER NOT NULL, pos INTEGER NOT NULL, len INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS group_offsets (grp TEXT NOT NULL, topic TEXT NOT NULL, partition INTEGER NOT NULL,
  next_offset INTEGER NOT NULL, updated_at INTEGER NOT NULL, PRIMARY KEY (grp, topic, partition));
CREATE TABLE IF NOT EXISTS group_leases (grp TEXT NOT NULL, topic TEXT NOT NULL, partition INTEGER NOT NULL,
  owner TEXT NOT NULL, expires_at INTEGER NOT NULL, PRIMARY KEY (grp, topic, partition));
`;

interface PartitionRow {
  id: number;
  partition: number;
  next_offset: number;
  low_offset: number;
}
interface BatchRow {
  rid: number;
  count: number;
  ts: number;
  pos: number;
  len: number;
}

export class EmbeddedEventLog implements EventLog {
  readonly kind = 'embedded';
  private readonly db: Database.Database;
  private readonly partitionCache = new Map<string, PartitionRow[]>();
  readonly leaseMs: number;
  private readonly stmts;
  private readonly segments: SegmentFiles;

  constructor(private readonly options: EmbeddedEventLogOptions) {
    mkdirSync(dirname(options.path), { recursive: true });
    try {
      this.db = new Database(options.path);
      this.db.pragma(`busy_timeout = ${options.busyTimeoutMs ?? 30_000}`);
      this.db.pragma('journal_mode = WAL');
      this.db.pragma(`synchronous = ${options.synchronous ?? 'FULL'}`);
      this.db.exec(SCHEMA);
    } catch (e) {
      throw wrapError(e, 'EVENTLOG_UNAVAILABLE', `cannot open the embedded event log at ${options.path}`, {
        path: options.path,
      });
    }
    this.leaseMs = options.leaseMs ?? 30_000;
    this.segments = new SegmentFiles(`${options.path}.segments`, (options.synchronous ?? 'FULL') === 'FULL');
    const db = this.db;
    this.stmts = {
      topic: db.prepare<[string], { name: string; partitions: number }>(
        'SELECT name, partitions FROM topics WHERE name = ?',
      ),
      topics: db.prepare<[], { name: string }>('SELECT name FROM topics ORDER BY name'),
      insertTopic: db.prepare(
        'INSERT OR IGNORE INTO topics (name, partitions, retention_ms, created_at) VALUES (?, ?, ?, ?)',
      ),
      insertPartition: db.prepare('INSERT OR IGNORE INTO partitions (topic, partition) VALUES (?, ?)'),
      partitions: db.prepare<[string], PartitionRow>(
        'SELECT id, partition, next_offset, low_offset FROM partitions WHERE topic = ? ORDER BY partition',
      ),
      nextOffset: db.prepare<[number], { next_offset: number; end_pos: number }>(
        'SELECT next_offset, end_pos FROM partitions WHERE id = ?',
      ),
      setNextOffset: db.prepare('UPDATE partitions SET next_offset = ?, end_pos = ? WHERE id = ?'),
      insertBatch: db.prepare('INSERT INTO segment_batches (rid, count, ts, pos, len) VALUES (?, ?, ?, ?, ?)'),
      batchAt: db.prepare<[number, number], BatchRow>(
        'SELECT rid, count, ts, pos, len FROM segment_batches WHERE rid <= ? AND rid >= ? ORDER BY rid DESC LIMIT 1',
      ),
      batchesAfter: db.prepare<[number, number, number], BatchRow>(
        'SELECT rid, count, ts, pos, len FROM segment_batches WHERE rid > ? AND rid < ? ORDER BY rid LIMIT ?',
      ),
      committed: db.prepare<[string, string], { partition: number; next_offset: number }>(
        'SELECT partition, next_offset FROM group_offsets WHERE grp = ? AND topic = ? ORDER BY partition',
      ),
      commit:
        db.prepare(`INSERT INTO group_offsets (grp, topic, partition, next_offset, updated_at) VALUES (?, ?, ?, ?, ?)
        ON CONFLICT (grp, topic, partition) DO UPDATE SET next_offset = excluded.next_offset, updated_at = excluded.updated_at`),
      lease: db.prepare<[string, string, number], { owner: string; expires_at: number }>(
        'SELECT owner, expires_at FROM group_leases WHERE grp = ? AND topic = ? AND partition = ?',
      ),
      takeLease: db.prepare(`INSERT INTO group_leases (grp, topic, partition, owner, expires_at) VALUES (?, ?, ?, ?, ?)
        ON CONFLICT (grp, topic, partition) DO UPDATE SET owner = excluded.owner, expires_at = excluded.expires_at`),
      releaseLease: db.prepare('DELETE FROM group_leases WHERE grp = ? AND topic = ? AND owner = ?'),
    };
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
    const now = Date.now();
    const written: Array<{ partition: number; firstOffset: number; lastOffset: number; count: number }> = [];
    this.write('produce', topic, () => {
      for (const [p, list] of byPartition) {
        const row = parts[p]!;
        const state = this.stmts.nextOffset.get(row.id)!;
        const first = state.next_offset;
        let offset = first;
        let pos = state.end_pos;
        for (const chunk of chunks(list)) {
          const data = encodeBatch(
            chunk.map((m) => ({ key: m.key, value: m.value, headers: m.headers ? JSON.stringify(m.headers) : null })),
          );
          this.segments.write(row.id, pos, data);
          this.stmts.insertBatch.run(row.id * OFFSET_BITS + offset, chunk.length, now, pos, data.length);
          offset += chunk.length;
          pos += data.length;
        }
        this.segments.flush(row.id);
        this.stmts.setNextOffset.run(offset, pos, row.id);
        written.push({ partition: p, firstOffset: first, lastOffset: offset - 1, count: list.length });
      }
    });
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
    const base = row.id * OFFSET_BITS;
    const out: LogRecord[] = [];
    const take = (b: BatchRow): void => {
      const batchBase = b.rid - base;
      const skip = Math.max(0, fromOffset - batchBase);
      const messages = decodeBatch(this.segments.read(row.id, b.pos, b.len), skip, limit - out.length);
      for (let i = 0; i < messages.length; i++) {
        const m = messages[i]!;
        out.push({
          topic,
          partition: row.partition,
          offset: batchBase + skip + i,
          key: m.key,
          value: m.value,
          timestamp: b.ts,
          headers: m.headers ? (JSON.parse(m.headers) as Record<string, string>) : {},
        });
      }
    };
    const containing = this.stmts.batchAt.get(base + fromOffset, base);
    let after = base + fromOffset;
    if (containing && containing.rid - base + containing.count > fromOffset) {
      take(containing);
      after = containing.rid;
    }
    while (out.length < limit) {
      const next = this.stmts.batchesAfter.all(after, base + OFFSET_BITS, 4);
      if (next.length === 0) break;
      for (const b of next) {
        if (out.length >= limit) break;
        take(b);
        after = b.rid;
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

function* chunks(list: OutgoingMessage[]): Generator<OutgoingMessage[]> {
  let start = 0;
  let bytes = 0;
  for (let i = 0; i < list.length; i++) {
    const v = list[i]!.value;
    bytes += typeof v === 'string' ? v.length : v.byteLength;
    if (i - start + 1 >= MAX_BATCH_MESSAGES || bytes >= MAX_BATCH_BYTES) {
      yield list.slice(start, i + 1);
      start = i + 1;
      bytes = 0;
    }
  }
  if (start < list.length) yield list.slice(start);
}

class EmbeddedConsumer implements GroupConsumer {
  private positions = new Map<number, number>();
  private owned = new Set<number>();
  private closed = false;
  private claimedAt = 0;

  constructor(
    private readonly log: EmbeddedEventLog,
    readonly group: string,
    readonly topic: string,
    private readonly owner: string,
  ) {}

  async poll(options: PollOptions): Promise<LogRecord[]> {
    if (this.closed)
      throw new FraudflowError('EVENTLOG_FAILED', 'poll on a closed consumer', {
        group: this.group,
        topic: this.topic,
      });
    const deadline = Date.now() + options.maxWaitMs;
    let wait = 5;
    for (;;) {
      this.refreshOwnership();
      const out = this.readOwned(options.maxRecords);
      if (out.length > 0 || Date.now() >= deadline) return out;
      await new Promise((r) => setTimeout(r, Math.min(wait, Math.max(1, deadline - Date.now()))));
      wait = Math.min(wait * 2, 100);
    }
  }

  async commit(offsets: readonly PartitionOffset[]): Promise<void> {
    if (offsets.length === 0) return;
    this.log.commitOwned(this.group, this.topic, this.owner, offsets);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.log.release(this.group, this.topic, this.owner);
  }

  private refreshOwnership(): void {
    // Renew well before the lease ends, but not on every poll: each claim is a write transaction.
    const t = Date.now();
    if (this.owned.size > 0 && t - this.claimedAt < this.log.leaseMs / 3) return;
    this.claimedAt = t;
    const now = this.log.claim(this.group, this.topic, this.owner);
    const committed = new Map<number, number>();
    if ([...now].some((p) => !this.owned.has(p))) {
      for (const c of this.log.committedNow(this.group, this.topic)) committed.set(c.partition, c.offset);
    }
    for (const p of now) {
      if (!this.owned.has(p)) {
        const row = this.log.partitionRows(this.topic)[p]!;
        this.positions.set(p, Math.max(committed.get(p) ?? 0, row.low_offset));
      }
    }
    for (const p of this.owned) if (!now.has(p)) this.positions.delete(p);
    this.owned = now;
  }

  private readOwned(maxRecords: number): LogRecord[] {
    const out: LogRecord[] = [];
    const rows = this.log.partitionRows(this.topic);
    const owned = [...this.owned].sort((a, b) => a - b);
    // Share the budget across partitions so one hot partition cannot starve the rest.
    const share = Math.max(1, Math.ceil(maxRecords / Math.max(1, owned.length)));
    for (const p of owned) {
      const room = maxRecords - out.length;
      if (room <= 0) break;
      const records = this.log.readPartition(rows[p]!, this.positions.get(p)!, Math.min(share, room), this.topic);
      if (records.length > 0) this.positions.set(p, records[records.length - 1]!.offset + 1);
      out.push(...records);
    }
    return out;
  }
}
