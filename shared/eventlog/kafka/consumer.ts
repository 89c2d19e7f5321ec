// A kafkajs group consumer turned into a pull consumer: eachBatch hands records over and waits until they are taken.
import type { Consumer, EachBatchPayload, Kafka } from 'kafkajs';
import { kafkaError } from './errors.ts';
import type { GroupConsumer, LogRecord, PartitionOffset, PollOptions } from '../port.ts';

interface Handoff {
  records: LogRecord[];
  /** Resolved when every record of the batch has been taken by poll(). */
  done: () => void;
  resolveOffset: (offset: string) => void;
}

export class KafkaGroupConsumer implements GroupConsumer {
  private readonly consumer: Consumer;
  private queue: Handoff[] = [];
  private wakeup: (() => void) | null = null;
  private failure: unknown = null;
  private closed = false;

  private constructor(
    kafka: Kafka,
    readonly group: string,
    readonly topic: string,
    sessionTimeoutMs: number,
  ) {
    this.consumer = kafka.consumer({
      groupId: group,
      allowAutoTopicCreation: false,
      maxWaitTimeInMs: 250,
      sessionTimeout: sessionTimeoutMs,
      rebalanceTimeout: Math.max(sessionTimeoutMs, 10_000),
      heartbeatInterval: Math.max(1_000, Math.floor(sessionTimeoutMs / 10)),
    });
  }

  static async open(kafka: Kafka, group: string, topic: string, sessionTimeoutMs: number): Promise<KafkaGroupConsumer> {
    const c = new KafkaGroupConsumer(kafka, group, topic, sessionTimeoutMs);
    try {
      await c.consumer.connect();
      await c.consumer.subscribe({ topic, fromBeginning: true });
      await c.consumer.run({
        autoCommit: false,
        eachBatchAutoResolve: false,
        eachBatch: (payload) => c.onBatch(payload),
      });
    } catch (e) {
      await c.consumer.disconnect().catch(() => undefined);
      throw kafkaError(e, `kafka: cannot start consumer group ${group} on ${topic}`, { group, topic });
    }
    c.consumer.on(c.consumer.events.CRASH, (event) => {
      // kafkajs restarts the consumer itself after a retriable crash (a coordinator still loading after a broker
      // restart, say): only a crash it will not recover from is this consumer's failure.
      if ((event.payload as { restart?: boolean }).restart) return;
      c.failure = event.payload.error;
      c.wakeup?.();
    });
    return c;
  }

  private async onBatch({ batch, resolveOffset, heartbeat, isRunning, isStale }: EachBatchPayload): Promise<void> {
    if (batch.messages.length === 0) return;
    const records: LogRecord[] = batch.messages.map((m) => ({
      topic: batch.topic,
      partition: batch.partition,
      offset: Number(m.offset),
      key: m.key === null ? null : m.key.toString('utf8'),
      value: m.value ?? Buffer.alloc(0),
      timestamp: Number(m.timestamp),
      headers: Object.fromEntries(
        Object.entries(m.headers ?? {}).map(([k, v]) => [k, Array.isArray(v) ? String(v[0]) : String(v ?? '')]),
      ),
    }));
    await new Promise<void>((resolve) => {
      const handoff: Handoff = {
        records,
        resolveOffset,
        done: () => {
          clearInterval(beat);
          resolve();
        },
      };
      // Keep the group membership alive while the records wait to be polled; give up on a revoked batch.
      const beat = setInterval(() => {
        if (!isRunning() || isStale()) {
          this.queue = this.queue.filter((h) => h !== handoff);
          handoff.done();
          return;
        }
        heartbeat().catch(() => undefined);
      }, 1_000);
      this.queue.push(handoff);
      this.wakeup?.();
    });
  }

  async poll(options: PollOptions): Promise<LogRecord[]> {
    const deadline = Date.now() + options.maxWaitMs;
    while (this.queue.length === 0 && !this.failure && Date.now() < deadline) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.max(0, deadline - Date.now()));
        this.wakeup = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.wakeup = null;
    }
    if (this.failure)
      throw kafkaError(this.failure, `kafka: consumer of ${this.group} on ${this.topic} crashed`, {
        group: this.group,
        topic: this.topic,
      });
    const out: LogRecord[] = [];
    while (this.queue.length > 0 && out.length < options.maxRecords) {
      const head = this.queue[0]!;
      const take = head.records.splice(0, options.maxRecords - out.length);
      out.push(...take);
      // Handed out is not committed: resolveOffset only moves kafkajs's fetch position.
      head.resolveOffset(String(take[take.length - 1]!.offset));
      if (head.records.length === 0) {
        this.queue.shift();
        head.done();
      }
    }
    return out;
  }

  async commit(offsets: readonly PartitionOffset[]): Promise<void> {
    if (offsets.length === 0) return;
    try {
      await this.consumer.commitOffsets(
        offsets.map((o) => ({ topic: this.topic, partition: o.partition, offset: String(o.offset) })),
      );
    } catch (e) {
      throw kafkaError(e, `kafka: commit of ${this.group} on ${this.topic} failed`, {
        group: this.group,
        topic: this.topic,
        offsets,
      });
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const h of this.queue.splice(0)) h.done();
    await this.consumer.disconnect().catch(() => undefined);
  }
}
