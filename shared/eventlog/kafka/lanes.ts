// Idempotent producers side by side, each owning a fixed share of every topic's partitions, so requests to one broker overlap.
import { Partitioners, type Kafka, type Producer } from 'kafkajs';
import type { OutgoingMessage } from '../port.ts';
import { partitionForKey } from '../partitioner.ts';
import { kafkaError } from './errors.ts';

/**
 * kafkajs lets an idempotent producer have one request in flight per broker (a lock in its EoS manager), and a
 * request waits a whole round trip for acks=all: one producer idles most of the time. Within one produce a partition
 * goes through one lane, so its order and its idempotent sequence numbers stay those of one producer; produces that
 * follow one another (each acknowledged before the next) keep their order whichever lane carries them.
 * Two, as measured (bench kafka, 284,807 rows, 2 shared cores): kafkajs encodes every request on the main thread, so
 * two lanes already overlap one lane's encoding with the other's wait for acks; four only added requests (0.43 of
 * ProducerPerformance with 4 lanes, 0.51 with 2, in one run; 2 lanes ahead in 6 of 7 paired produce-only runs).
 */
export const DEFAULT_LANES = 2;
/** A lane earns its round trip only with this many messages to carry: a small produce goes as one request. */
export const MIN_MESSAGES_PER_LANE = 1_000;

export class ProducerLanes {
  private readonly producers: Array<Promise<Producer> | undefined>;

  constructor(
    private readonly kafka: Kafka,
    private readonly brokers: string,
    readonly count: number = DEFAULT_LANES,
  ) {
    this.producers = Array.from({ length: count }, () => undefined);
  }

  /**
   * The messages of one produce by lane (index = lane), each in its original order: as many lanes as the partitions
   * it writes and its size call for (at most `count`), the partitions dealt to them in turn.
   */
  split(messages: readonly OutgoingMessage[], partitions: number): OutgoingMessage[][] {
    const of = messages.map((m) => partitionForKey(m.key, partitions));
    const written = [...new Set(of)].sort((a, b) => a - b);
    const n = Math.max(1, Math.min(this.count, written.length, Math.ceil(messages.length / MIN_MESSAGES_PER_LANE)));
    const laneOf = new Map(written.map((p, k) => [p, k % n]));
    const lanes = Array.from({ length: n }, (): OutgoingMessage[] => []);
    messages.forEach((m, i) => lanes[laneOf.get(of[i]!)!]!.push(m));
    return lanes;
  }

  /** Producers connected so far (each lane connects on its first use). */
  connected(): number {
    return this.producers.filter((p) => p !== undefined).length;
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
