// Bench child: ingest a file into an event log (embedded or Kafka), then drain it with a fresh group; prints figures as JSON.
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { EmbeddedEventLog } from '../../shared/eventlog/embedded/embedded.ts';
import { KafkaEventLog } from '../../shared/eventlog/kafka/kafka.ts';
import { silentLogger } from '../../shared/logger.ts';
import { nextOffsets, type EventLog } from '../../shared/eventlog/port.ts';
import { ingest } from '../../functions/ingest/ingest.ts';
import { fileSource } from '../../functions/ingest/index.ts';
import { workerEncoder } from '../../functions/ingest/encoder-pool.ts';

const [kind, file, target, tuning] = process.argv.slice(2);
/** Producer settings under test (lanes, maxPartitionBytes), as JSON; the adapter's defaults when absent. */
const options = tuning ? (JSON.parse(tuning) as { lanes?: number; maxPartitionBytes?: number }) : {};
const topic = `bench-${randomUUID().slice(0, 8)}`;
const log: EventLog =
  kind === 'kafka'
    ? new KafkaEventLog(
        { brokers: target!.split(','), clientId: 'bench', ssl: false, replicationFactor: 1 },
        silentLogger,
        options,
      )
    : new EmbeddedEventLog({ path: join(target!, `${topic}.sqlite`) });
await log.ensureTopic({ name: topic, partitions: 4 });
await log.ensureTopic({ name: `${topic}.dlq`, partitions: 1 });
const encoder = workerEncoder(2);
const s = await ingest(fileSource(file!), { eventLog: log, logger: silentLogger, encoder }, { topic, batchSize: 5000 });
await encoder.close();
const consumer = await log.consumer(`bench-${randomUUID()}`, topic);
const started = performance.now();
let consumed = 0;
while (consumed < s.accepted) {
  const batch = await consumer.poll({ maxRecords: 10_000, maxWaitMs: 5000 });
  if (batch.length === 0) break;
  consumed += batch.length;
  await consumer.commit(nextOffsets(batch));
}
const consumeSeconds = (performance.now() - started) / 1000;
await consumer.close();
await log.close();
process.stdout.write(
  JSON.stringify({
    rows: s.accepted,
    read: s.read,
    rejected: s.rejected,
    duplicates: s.duplicates,
    produceSeconds: s.elapsed_ms / 1000,
    consumed,
    consumeSeconds,
    peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
  }) + '\n',
);
