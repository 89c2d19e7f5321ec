// The event log on Apache Kafka (kafkajs): admin-created topics, an idempotent acks=all producer, pull-style group consumers.
import { Kafka, logLevel, type Admin, type Producer, type SASLOptions, type logCreator } from 'kafkajs';
import { FraudflowError, wrapError } from '../errors.ts';
import type { KafkaConfig } from '../config.ts';
import type { Logger } from '../logger.ts';
import { withRetry } from '../retry.ts';
import { partitionForKey } from './partitioner.ts';
import { KafkaGroupConsumer } from './kafka-consumer.ts';
import type { EventLog, GroupConsumer, OutgoingMessage, PartitionOffset, ProduceResult, TopicInfo, TopicSpec } from './port.ts';

/** Brokers reject record batches over message.max.bytes (1 MiB by default): keep each partition's share of a request under it. */
const MAX_PARTITION_BYTES = 900 * 1024;

export interface KafkaEventLogOptions {
  /** How long one produce call keeps retrying through a broker outage before it fails. */
  readonly produceDeadlineMs?: number;
  /** Group session timeout: how soon a dead consumer's partitions go to another member (broker minimum 6 s). */
  readonly sessionTimeoutMs?: number;
}

function kafkaLogger(logger: Logger): logCreator {
  return () => ({ namespace, level, log }) => {
    const { message, ...rest } = log;
    const fields = { namespace, error: rest.error, broker: rest.broker, groupId: rest.groupId };
    if (level === logLevel.ERROR) logger.warn(`kafkajs: ${message}`, fields);
    else if (level === logLevel.WARN) logger.warn(`kafkajs: ${message}`, fields);
  };
}

export class KafkaEventLog implements EventLog {
  readonly kind = 'kafka';
  private readonly kafka: Kafka;
  private admin: Promise<Admin> | undefined;
  private producer: Promise<Producer> | undefined;
  private readonly partitionCounts = new Map<string, number>();
  private readonly consumers = new Set<GroupConsumer>();

  constructor(private readonly config: KafkaConfig, private readonly logger: Logger, private readonly options: KafkaEventLogOptions = {}) {
    const sasl: SASLOptions | undefined = config.sasl
      ? ({ mechanism: config.sasl.mechanism, username: config.sasl.username, password: config.sasl.password } as SASLOptions)
      : undefined;
    this.kafka = new Kafka({
      clientId: config.clientId,
      brokers: config.brokers,
      ssl: config.ssl,
      ...(sasl ? { sasl } : {}),
      logLevel: logLevel.WARN,
      logCreator: kafkaLogger(logger),
      connectionTimeout: 5_000,
      retry: { initialRetryTime: 200, maxRetryTime: 5_000, retries: 10 },
    });
  }

  async ensureTopic(spec: TopicSpec): Promise<void> {
    const admin = await this.adminClient();
    try {
      await admin.createTopics({
        waitForLeaders: true,
        topics: [{
          topic: spec.name, numPartitions: spec.partitions, replicationFactor: this.config.replicationFactor,
          ...(spec.retentionMs !== undefined ? { configEntries: [{ name: 'retention.ms', value: String(spec.retentionMs) }] } : {}),
        }],
      });
    } catch (e) {
      if (!String((e as Error).message).includes('already exists')) {
        throw wrapError(e, 'EVENTLOG_FAILED', `kafka: cannot create topic ${spec.name}`, { topic: spec.name });
      }
    }
    this.partitionCounts.delete(spec.name);
    const count = await this.partitionCount(spec.name);
    // Right after a broker (re)start, offsets can lag the metadata: wait until every partition answers.
    const deadline = Date.now() + 15_000;
    for (;;) {
      const offsets = await admin.fetchTopicOffsets(spec.name).catch(() => []);
      if (offsets.length >= count || Date.now() > deadline) break;
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  async produce(topic: string, messages: readonly OutgoingMessage[]): Promise<ProduceResult> {
    const partitions = await this.partitionCount(topic);
    const producer = await this.producerClient();
    const ranges = new Map<number, { first: number; last: number; count: number }>();
    for (const chunk of chunksByPartition(messages, partitions)) {
      const sent = await withRetry(
        () => producer.send({
          topic, acks: -1,
          messages: chunk.map((m) => ({ key: m.message.key, value: Buffer.isBuffer(m.message.value) || typeof m.message.value === 'string' ? m.message.value : Buffer.from(m.message.value.buffer, m.message.value.byteOffset, m.message.value.byteLength), partition: m.partition, ...(m.message.headers ? { headers: { ...m.message.headers } } : {}) })),
        }).catch((e: unknown) => {
          throw wrapError(e, 'EVENTLOG_UNAVAILABLE', `kafka: produce of ${chunk.length} messages to ${topic} failed`, { topic }, (e as { retriable?: boolean }).retriable !== false);
        }),
        {
          deadlineMs: this.options.produceDeadlineMs ?? 120_000,
          onRetry: (e, attempt, waitMs) => this.logger.warn('kafka: produce failed, retrying', { topic, attempt, waitMs, error: e }),
        },
      );
      const perPartition = new Map<number, number>();
      for (const m of chunk) perPartition.set(m.partition, (perPartition.get(m.partition) ?? 0) + 1);
      for (const meta of sent) {
        const count = perPartition.get(meta.partition) ?? 0;
        const first = Number(meta.baseOffset);
        const r = ranges.get(meta.partition);
        if (r) {
          r.last = first + count - 1;
          r.count += count;
        } else ranges.set(meta.partition, { first, last: first + count - 1, count });
      }
    }
    return {
      topic, count: messages.length,
      partitions: [...ranges.entries()].sort((a, b) => a[0] - b[0]).map(([partition, r]) => ({ partition, firstOffset: r.first, lastOffset: r.last, count: r.count })),
    };
  }

  async consumer(group: string, topic: string): Promise<GroupConsumer> {
    await this.partitionCount(topic);
    const c = await KafkaGroupConsumer.open(this.kafka, group, topic, this.options.sessionTimeoutMs ?? 30_000);
    this.consumers.add(c);
    const close = c.close.bind(c);
    c.close = async () => {
      this.consumers.delete(c);
      await close();
    };
    return c;
  }

  async committedOffsets(group: string, topic: string): Promise<PartitionOffset[]> {
    const admin = await this.adminClient();
    try {
      const res = await admin.fetchOffsets({ groupId: group, topics: [topic] });
      return (res.find((t) => t.topic === topic)?.partitions ?? [])
        .filter((p) => Number(p.offset) >= 0)
        .map((p) => ({ partition: p.partition, offset: Number(p.offset) }))
        .sort((a, b) => a.partition - b.partition);
    } catch (e) {
      throw wrapError(e, 'EVENTLOG_UNAVAILABLE', `kafka: cannot read offsets of group ${group} on ${topic}`, { group, topic });
    }
  }

  async listTopics(): Promise<TopicInfo[]> {
    const admin = await this.adminClient();
    const names = (await admin.listTopics()).filter((t) => !t.startsWith('__')).sort();
    return Promise.all(names.map((t) => this.describeTopic(t)));
  }

  async describeTopic(topic: string): Promise<TopicInfo> {
    await this.partitionCount(topic);
    const admin = await this.adminClient();
    try {
      const offsets = await admin.fetchTopicOffsets(topic);
      return {
        name: topic,
        partitions: offsets.map((o) => ({ partition: o.partition, lowWatermark: Number(o.low), highWatermark: Number(o.high) })).sort((a, b) => a.partition - b.partition),
      };
    } catch (e) {
      throw wrapError(e, 'EVENTLOG_UNAVAILABLE', `kafka: cannot describe topic ${topic}`, { topic });
    }
  }

  async close(): Promise<void> {
    await Promise.all([...this.consumers].map((c) => c.close()));
    const producer = this.producer;
    const admin = this.admin;
    this.producer = undefined;
    this.admin = undefined;
    await (await producer?.catch(() => undefined))?.disconnect().catch(() => undefined);
    await (await admin?.catch(() => undefined))?.disconnect().catch(() => undefined);
  }

  private async partitionCount(topic: string): Promise<number> {
    const known = this.partitionCounts.get(topic);
    if (known) return known;
    const admin = await this.adminClient();
    const names = await admin.listTopics();
    if (!names.includes(topic)) {
      throw new FraudflowError('EVENTLOG_FAILED', `kafka: topic "${topic}" does not exist; create it first (fraudflow topics --create)`, { topic });
    }
    const meta = await admin.fetchTopicMetadata({ topics: [topic] });
    const count = meta.topics[0]?.partitions.length ?? 0;
    if (count < 1) throw new FraudflowError('EVENTLOG_FAILED', `kafka: topic "${topic}" has no partitions`, { topic });
    this.partitionCounts.set(topic, count);
    return count;
  }

  private adminClient(): Promise<Admin> {
    this.admin ??= (async () => {
      const admin = this.kafka.admin();
      try {
        await admin.connect();
      } catch (e) {
        this.admin = undefined;
        throw wrapError(e, 'EVENTLOG_UNAVAILABLE', `kafka: cannot reach brokers ${this.config.brokers.join(',')}`, { brokers: this.config.brokers });
      }
      return admin;
    })();
    return this.admin;
  }

  private producerClient(): Promise<Producer> {
    this.producer ??= (async () => {
      // Idempotent: the broker drops a batch a retry sends twice; acks=-1 on every send.
      const producer = this.kafka.producer({ idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false });
      try {
        await producer.connect();
      } catch (e) {
        this.producer = undefined;
        throw wrapError(e, 'EVENTLOG_UNAVAILABLE', `kafka: producer cannot reach brokers ${this.config.brokers.join(',')}`, { brokers: this.config.brokers });
      }
      return producer;
    })();
    return this.producer;
  }
}

/** Splits a produce into requests whose share per partition stays under the broker's batch size limit. */
function* chunksByPartition(messages: readonly OutgoingMessage[], partitions: number): Generator<Array<{ partition: number; message: OutgoingMessage }>> {
  let chunk: Array<{ partition: number; message: OutgoingMessage }> = [];
  const bytes = new Map<number, number>();
  for (const message of messages) {
    const partition = partitionForKey(message.key, partitions);
    const size = (typeof message.value === 'string' ? Buffer.byteLength(message.value) : message.value.byteLength) + message.key.length + 64;
    const used = bytes.get(partition) ?? 0;
    if (used + size > MAX_PARTITION_BYTES && chunk.length > 0) {
      yield chunk;
      chunk = [];
      bytes.clear();
    }
    chunk.push({ partition, message });
    bytes.set(partition, (bytes.get(partition) ?? 0) + size);
  }
  if (chunk.length) yield chunk;
}
