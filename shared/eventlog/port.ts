// The event log port: keyed messages in partitioned topics, read by consumer groups from committed offsets.

export interface TopicSpec {
  readonly name: string;
  readonly partitions: number;
  /** Retention in milliseconds; undefined means the backend's default. */
  readonly retentionMs?: number;
}

export interface OutgoingMessage {
  /** Partitioning key: equal keys land in the same partition, in order. */
  readonly key: string;
  readonly value: Uint8Array | string;
  readonly headers?: Readonly<Record<string, string>>;
}

export interface LogRecord {
  readonly topic: string;
  readonly partition: number;
  readonly offset: number;
  readonly key: string | null;
  readonly value: Buffer;
  readonly timestamp: number;
  readonly headers: Readonly<Record<string, string>>;
}

export interface PartitionInfo {
  readonly partition: number;
  /** Offset of the earliest retained message. */
  readonly lowWatermark: number;
  /** Offset the next produced message will get (one past the last). */
  readonly highWatermark: number;
}

export interface TopicInfo {
  readonly name: string;
  readonly partitions: readonly PartitionInfo[];
}

/** Next offset to read per partition: what a group has committed. */
export interface PartitionOffset {
  readonly partition: number;
  readonly offset: number;
}

export interface ProduceResult {
  readonly topic: string;
  readonly count: number;
  /** Per partition, the offset range [first, last] written by this call. */
  readonly partitions: ReadonlyArray<{ partition: number; firstOffset: number; lastOffset: number; count: number }>;
}

export interface PollOptions {
  /** Stop once this many records are gathered. */
  readonly maxRecords: number;
  /** Give up waiting for more records after this long (the call may return fewer, or none). */
  readonly maxWaitMs: number;
}

/**
 * One member of a consumer group on one topic. It starts from the group's committed offsets
 * (earliest when none) and reads forward; nothing is committed until `commit` is called.
 */
export interface GroupConsumer {
  readonly group: string;
  readonly topic: string;
  poll(options: PollOptions): Promise<LogRecord[]>;
  /** Commits, per partition, the offset of the next record to read (last processed + 1). */
  commit(offsets: readonly PartitionOffset[]): Promise<void>;
  close(): Promise<void>;
}

export interface EventLog {
  /** Backend name for logs and summaries, e.g. "embedded" or "kafka". */
  readonly kind: string;
  /** Creates the topic if absent; an existing topic keeps its partition count. */
  ensureTopic(spec: TopicSpec): Promise<void>;
  /** Appends messages; resolves only once they are durably acknowledged. */
  produce(topic: string, messages: readonly OutgoingMessage[]): Promise<ProduceResult>;
  consumer(group: string, topic: string): Promise<GroupConsumer>;
  committedOffsets(group: string, topic: string): Promise<PartitionOffset[]>;
  /**
   * How many consumers hold `group` on `topic` now (members of another run): a scheduled run that finds one leaves
   * the work to it rather than join and force a rebalance.
   */
  activeMembers(group: string, topic: string): Promise<number>;
  listTopics(): Promise<TopicInfo[]>;
  describeTopic(topic: string): Promise<TopicInfo>;
  close(): Promise<void>;
}

/** Sum of (high watermark - committed) over partitions: what the group still has to read. */
export function lagOf(info: TopicInfo, committed: readonly PartitionOffset[]): number {
  let lag = 0;
  for (const p of info.partitions) {
    const c = committed.find((o) => o.partition === p.partition)?.offset ?? p.lowWatermark;
    lag += Math.max(0, p.highWatermark - Math.max(c, p.lowWatermark));
  }
  return lag;
}

/** Offsets to commit after processing `records`: last offset + 1 per partition. */
export function nextOffsets(records: readonly LogRecord[]): PartitionOffset[] {
  const next = new Map<number, number>();
  for (const r of records) {
    const cur = next.get(r.partition);
    if (cur === undefined || r.offset + 1 > cur) next.set(r.partition, r.offset + 1);
  }
  return [...next.entries()].sort((a, b) => a[0] - b[0]).map(([partition, offset]) => ({ partition, offset }));
}
