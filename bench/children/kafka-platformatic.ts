// Bench child (Node >= 22.22): the same ingest into Kafka through @platformatic/kafka instead of kafkajs; prints figures as JSON.
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Admin, Producer } from '@platformatic/kafka';
import { silentLogger } from '../../shared/logger.ts';
import type { EventLog, OutgoingMessage, ProduceResult, TopicSpec } from '../../shared/eventlog/port.ts';
import { partitionForKey } from '../../shared/eventlog/partitioner.ts';
import { chunksByPartition } from '../../shared/eventlog/kafka/batches.ts';
import { ingest } from '../../functions/ingest/ingest.ts';
import { fileSource } from '../../functions/ingest/index.ts';
import { workerEncoder } from '../../functions/ingest/encoder-pool.ts';

/**
 * What ingest asks of its event log (topics and produce), on @platformatic/kafka, produced the way the kafkajs adapter
 * does: idempotent acks=all producers side by side, each owning a share of the partitions, one request in flight each,
 * every request under the broker's batch limit per partition; a produce resolves once every message is acknowledged.
 */
class PlatformaticProduceLog implements Pick<EventLog, 'ensureTopic' | 'produce' | 'close'> {
  private readonly producers: Array<Producer<Buffer, Buffer, Buffer, Buffer>>;
  private readonly partitions = new Map<string, number>();

  constructor(
    private readonly brokers: string[],
    lanes: number,
  ) {
    this.producers = Array.from(
      { length: lanes },
      (_, i) =>
        new Producer({ clientId: `bench-platformatic-${i}`, bootstrapBrokers: brokers, idempotent: true, acks: -1 }),
    );
  }

  async ensureTopic(spec: TopicSpec): Promise<void> {
    const admin = new Admin({ clientId: 'bench-platformatic-admin', bootstrapBrokers: this.brokers });
    try {
      await admin.createTopics({ topics: [spec.name], partitions: spec.partitions, replicas: 1 });
    } finally {
      await admin.close();
    }
    this.partitions.set(spec.name, spec.partitions);
  }

  async produce(topic: string, messages: readonly OutgoingMessage[]): Promise<ProduceResult> {
    const partitions = this.partitions.get(topic)!;
    const lanes = this.producers.map((): OutgoingMessage[] => []);
    for (const m of messages) lanes[partitionForKey(m.key, partitions) % lanes.length]!.push(m);
    const ranges: ProduceResult['partitions'][number][] = [];
    await Promise.all(
      lanes.map(async (list, lane) => {
        for (const chunk of chunksByPartition(list, partitions)) {
          const sent = await this.producers[lane]!.send({
            messages: chunk.map(({ partition, message }) => ({
              topic,
              partition,
              key: Buffer.from(message.key),
              value: typeof message.value === 'string' ? Buffer.from(message.value) : Buffer.from(message.value),
            })),
          });
          for (const o of sent.offsets ?? []) {
            const count = chunk.filter((c) => c.partition === o.partition).length;
            const first = Number(o.offset);
            ranges.push({ partition: o.partition, firstOffset: first, lastOffset: first + count - 1, count });
          }
        }
      }),
    );
    return { topic, count: messages.length, partitions: ranges };
  }

  /** Messages in the topic per the broker (sum of high watermarks): what the ingest claims it wrote. */
  async written(topic: string): Promise<number> {
    const admin = new Admin({ clientId: 'bench-platformatic-admin', bootstrapBrokers: this.brokers });
    try {
      const n = this.partitions.get(topic)!;
      const listed = await admin.listOffsets({
        topics: [
          { name: topic, partitions: Array.from({ length: n }, (_, i) => ({ partitionIndex: i, timestamp: -1n })) },
        ],
      });
      return listed.flatMap((t) => t.partitions).reduce((a, p) => a + Number(p.offset), 0);
    } finally {
      await admin.close();
    }
  }

  async close(): Promise<void> {
    await Promise.all(this.producers.map((p) => p.close()));
  }
}

const [file, target, lanes] = process.argv.slice(2);
const topic = `bench-plat-${randomUUID().slice(0, 8)}`;
const log = new PlatformaticProduceLog(target!.split(','), Number(lanes ?? 4));
await log.ensureTopic({ name: topic, partitions: 4 });
await log.ensureTopic({ name: `${topic}.dlq`, partitions: 1 });
const encoder = workerEncoder(2);
// Ingest reads only ensureTopic and produce of its event log: the rest of the port is not needed for this figure.
const eventLog = log as unknown as EventLog;
const s = await ingest(fileSource(file!), { eventLog, logger: silentLogger, encoder }, { topic, batchSize: 5000 });
await encoder.close();
const written = await log.written(topic);
await log.close();
process.stdout.write(
  JSON.stringify({
    rows: s.accepted,
    read: s.read,
    rejected: s.rejected,
    duplicates: s.duplicates,
    written,
    produceSeconds: s.elapsed_ms / 1000,
    node: process.versions.node,
    version: (
      JSON.parse(readFileSync(new URL('../package.json', import.meta.resolve('@platformatic/kafka')), 'utf8')) as {
        version: string;
      }
    ).version,
    peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
  }) + '\n',
);
