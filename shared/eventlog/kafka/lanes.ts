// Idempotent producers side by side, each owning a fixed share of every topic's partitions, so requests to one broker overlap.
import { Partitioners, type Kafka, type Producer } from 'kafkajs';
import type { OutgoingMessage } from '../port.ts';
import { partitionForKey } from '../partitioner.ts';
import { kafkaError } from './errors.ts';

/**
 * kafkajs lets an idempotent producer have one request in flight per broker (a lock in its EoS manager), and a
 * request waits a whole round trip for acks=all: one producer idles most of the time. Partition p always goes through
 * lane p % lanes, so its order and its idempotent sequence numbers stay those of one producer.
 */
export const DEFAULT_LANES = 4;

export class ProducerLanes {
  private readonly producers: Array<Promise<Producer> | undefined>;

  constructor(
    private readonly kafka: Kafka,
    private readonly brokers: string,
    readonly count: number = DEFAULT_LANES,
  ) {
    this.producers = Array.from({ length: count }, () => undefined);
  }

  /** The messages of one produce by lane (index = lane), each in its original order. */
  split(messages: readonly OutgoingMessage[], partitions: number): OutgoingMessage[][] {
    const lanes = Array.from({ length: Math.min(this.count, partitions) }, (): OutgoingMessage[] => []);
    for (const m of messages) lanes[partitionForKey(m.key, partitions) % lanes.length]!.push(m);
    return lanes;
  }

  producer(lane: number): Promise<Producer> {
    return (this.producers[lane] ??= this.connect(lane));
  }

  async close(): Promise<void> {
    const all = this.producers.splice(0, this.producers.length, ...this.producers.map(() => undefined));
    await Promise.all(all.map(async (p) => (await p?.catch(() => undefined))?.disconnect().catch(() => undefined)));
  }

  private async connect(lane: number): Promise<Producer> {
    // Idempotent (acks=-1 on every send, one request in flight, as kafkajs requires). Its own retries are bounded so
    // an outage surfaces here within seconds; produce() retries on with backoff until its deadline.
    const producer = this.kafka.producer({
      idempotent: true,
      maxInFlightRequests: 1,
      allowAutoTopicCreation: false,
      retry: { retries: 5 },
      // Every message names its partition (partitionForKey); the Java-compatible partitioner would pick the same one.
      createPartitioner: Partitioners.JavaCompatiblePartitioner,
    });
    try {
      await producer.connect();
    } catch (e) {
      this.producers[lane] = undefined;
      throw kafkaError(e, `kafka: producer cannot reach brokers ${this.brokers}`, { brokers: this.brokers });
    }
    return producer;
  }
}
