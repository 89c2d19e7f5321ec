// The event log on Apache Kafka (kafkajs): admin-created topics, idempotent acks=all producers (one per lane of partitions), pull-style group consumers.
import { AssignerProtocol, type Admin, type Kafka } from 'kafkajs';
import { FraudflowError } from '../../errors.ts';
import type { KafkaConfig } from '../../config.ts';
import type { Logger } from '../../logger.ts';
import { withRetry } from '../../retry.ts';
import { KafkaGroupConsumer } from './consumer.ts';
import { isRetriableKafkaError, kafkaError } from './errors.ts';
import { kafkaClient, type KafkaEventLogOptions } from './client.ts';
import { chunksByPartition, toKafkaMessage } from './batches.ts';
import { ProducerLanes } from './lanes.ts';
import type {
  EventLog,
  GroupConsumer,
  OutgoingMessage,
  PartitionOffset,
  ProduceResult,
  TopicInfo,
  TopicSpec,
} from '../port.ts';

/** How long one produce call keeps retrying through a broker outage before it fails, unless configured. */
const DEFAULT_PRODUCE_RETRY_MS = 120_000;
/** Admin calls (create, describe, offsets) are idempotent: retried this long. */
const ADMIN_RETRY_MS = 20_000;

export class KafkaEventLog implements EventLog {
  readonly kind = 'kafka';
  private readonly kafka: Kafka;
  private admin: Promise<Admin> | undefined;
  private readonly lanes: ProducerLanes;
  private readonly partitionCounts = new Map<string, number>();
  private readonly consumers = new Set<GroupConsumer>();
  private readonly brokers: string;

  constructor(
    private readonly config: KafkaConfig,
    private readonly logger: Logger,
    private readonly options: KafkaEventLogOptions = {},
  ) {
    this.brokers = config.brokers.join(',');
    this.kafka = kafkaClient(config, options, logger);
    this.lanes = new ProducerLanes(this.kafka, this.brokers, options.lanes);
  }

  async ensureTopic(spec: TopicSpec): Promise<void> {
    const topic = spec.name;
    await this.adminCall(`cannot create topic ${topic}`, { topic }, async (admin) => {
      // Asking first keeps a routine start (every topic already there) free of the broker's TOPIC_ALREADY_EXISTS.
      if ((await admin.listTopics()).includes(topic)) return;
      await admin.createTopics({
        waitForLeaders: true,
        topics: [
          {
            topic,
            numPartitions: spec.partitions,
            replicationFactor: this.config.replicationFactor,
            ...(spec.retentionMs !== undefined
              ? { configEntries: [{ name: 'retention.ms', value: String(spec.retentionMs) }] }
              : {}),
          },
        ],
      }); // resolves false when another client created it between our look and our create: the same outcome
    });
    this.partitionCounts.delete(topic);
    const count = await this.partitionCount(topic);
    // Right after a creation or a broker (re)start, offsets can lag the metadata: ready when every partition answers.
    await this.adminCall(`topic ${topic} has partitions without a leader`, { topic }, async (admin) => {
      const answered = (await admin.fetchTopicOffsets(topic)).length;
      if (answered < count)
        throw new FraudflowError(
          'EVENTLOG_UNAVAILABLE',
          `kafka: ${answered} of ${count} partitions of ${topic} answer`,
          { topic },
        );
    });
  }

  async produce(topic: string, messages: readonly OutgoingMessage[]): Promise<ProduceResult> {
    const partitions = await this.partitionCount(topic);
    const ranges = new Map<number, { first: number; last: number; count: number }>();
    const lanes = this.lanes.split(messages, partitions);
    // Lanes own disjoint partitions: each fills its own entries of `ranges`.
    await Promise.all(lanes.map((list, lane) => this.produceLane(topic, list, partitions, lane, ranges)));
    return {
      topic,
      count: messages.length,
      partitions: [...ranges.entries()]
        .sort((a, b) => a[0] - b[0])
        .map(([partition, r]) => ({ partition, firstOffset: r.first, lastOffset: r.last, count: r.count })),
    };
  }

  private async produceLane(
    topic: string,
    messages: readonly OutgoingMessage[],
    partitions: number,
    lane: number,
    ranges: Map<number, { first: number; last: number; count: number }>,
  ): Promise<void> {
    for (const chunk of chunksByPartition(messages, partitions, this.options.maxPartitionBytes)) {
      const sent = await withRetry(() => this.send(topic, chunk, lane), {
        deadlineMs: this.config.produceRetryMs ?? DEFAULT_PRODUCE_RETRY_MS,
        onRetry: (e, attempt, waitMs) =>
          this.logger.warn('kafka: produce failed, retrying', { topic, attempt, waitMs, error: e }),
      });
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
  }

  private async send(topic: string, chunk: Array<{ partition: number; message: OutgoingMessage }>, lane: number) {
    const producer = await this.lanes.producer(lane);
    // The same chunk is sent again on a retry: the idempotent producer reuses its sequence numbers, so a batch
    // the broker had already written before the failure is not written twice.
    return producer
      .send({ topic, acks: -1, messages: chunk.map(({ partition, message }) => toKafkaMessage(partition, message)) })
      .catch((e: unknown) => {
        throw kafkaError(e, `kafka: produce of ${chunk.length} messages to ${topic} failed`, {
          topic,
          brokers: this.brokers,
        });
      });
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
    const res = await this.adminCall(`cannot read offsets of group ${group} on ${topic}`, { group, topic }, (admin) =>
      admin.fetchOffsets({ groupId: group, topics: [topic] }),
    );
    return (res.find((t) => t.topic === topic)?.partitions ?? [])
      .filter((p) => Number(p.offset) >= 0)
      .map((p) => ({ partition: p.partition, offset: Number(p.offset) }))
      .sort((a, b) => a.partition - b.partition);
  }

  /** The group's members with an assignment on `topic`, per the coordinator (0 while the group is empty or dead). */
  async activeMembers(group: string, topic: string): Promise<number> {
    const { groups } = await this.adminCall(`cannot describe group ${group}`, { group, topic }, (admin) =>
      admin.describeGroups([group]),
    );
    const g = groups.find((x) => x.groupId === group);
    if (!g || g.state === 'Empty' || g.state === 'Dead') return 0;
    // A member's assignment names its topics; one still joining (no assignment yet) holds the group all the same.
    return g.members.filter((m) => {
      if (m.memberAssignment.length === 0) return true;
      try {
        const a = AssignerProtocol.MemberAssignment.decode(m.memberAssignment);
        return !a || topic in a.assignment;
      } catch {
        return true;
      }
    }).length;
  }

  async listTopics(): Promise<TopicInfo[]> {
    const names = await this.adminCall('cannot list topics', {}, (admin) => admin.listTopics());
    return Promise.all(
      names
        .filter((t) => !t.startsWith('__'))
        .sort()
        .map((t) => this.describeTopic(t)),
    );
  }

  async describeTopic(topic: string): Promise<TopicInfo> {
    const count = await this.partitionCount(topic);
    const offsets = await this.adminCall(`cannot describe topic ${topic}`, { topic }, async (admin) => {
      const o = await admin.fetchTopicOffsets(topic);
      if (o.length < count)
        throw new FraudflowError(
          'EVENTLOG_UNAVAILABLE',
          `kafka: ${o.length} of ${count} partitions of ${topic} answer`,
          { topic },
        );
      return o;
    });
    return {
      name: topic,
      partitions: offsets
        .map((o) => ({ partition: o.partition, lowWatermark: Number(o.low), highWatermark: Number(o.high) }))
        .sort((a, b) => a.partition - b.partition),
    };
  }

  async close(): Promise<void> {
    await Promise.all([...this.consumers].map((c) => c.close()));
    await this.lanes.close();
    await this.dropAdmin();
  }

  private async partitionCount(topic: string): Promise<number> {
    const known = this.partitionCounts.get(topic);
    if (known) return known;
    const count = await this.adminCall(`cannot read metadata of topic ${topic}`, { topic }, async (admin) => {
      if (!(await admin.listTopics()).includes(topic)) return 0;
      const meta = await admin.fetchTopicMetadata({ topics: [topic] });
      return meta.topics[0]?.partitions.length ?? 0;
    });
    if (count < 1)
      throw new FraudflowError(
        'EVENTLOG_FAILED',
        `kafka: topic "${topic}" does not exist; create it first (fraudflow topics --create)`,
        { topic },
      );
    this.partitionCounts.set(topic, count);
    return count;
  }

  /**
   * One admin operation, retried while the failure is retriable. A failed client is dropped first: kafkajs's admin
   * keeps topic metadata it fetched before a broker restart, and a fresh client asks again.
   */
  private adminCall<T>(what: string, details: Record<string, unknown>, op: (admin: Admin) => Promise<T>): Promise<T> {
    return withRetry(
      async () => {
        const admin = await this.adminClient();
        try {
          return await op(admin);
        } catch (e) {
          // kafkajs's own bugs on stale metadata surface as TypeErrors: worth one more try with a fresh client too.
          if (isRetriableKafkaError(e) || e instanceof TypeError) await this.dropAdmin();
          throw e instanceof TypeError
            ? new FraudflowError(
                'EVENTLOG_UNAVAILABLE',
                `kafka: ${what}: ${e.message}`,
                { ...details, brokers: this.brokers },
                { cause: e },
              )
            : kafkaError(e, `kafka: ${what}`, { ...details, brokers: this.brokers });
        }
      },
      { deadlineMs: ADMIN_RETRY_MS },
    );
  }

  private adminClient(): Promise<Admin> {
    this.admin ??= (async () => {
      const admin = this.kafka.admin();
      try {
        await admin.connect();
      } catch (e) {
        this.admin = undefined;
        throw kafkaError(e, `kafka: cannot reach brokers ${this.brokers}`, { brokers: this.brokers });
      }
      return admin;
    })();
    return this.admin;
  }

  private async dropAdmin(): Promise<void> {
    const admin = this.admin;
    this.admin = undefined;
    await (await admin?.catch(() => undefined))?.disconnect().catch(() => undefined);
  }
}
