// Child process for the crash-before-commit tests: polls one batch of a group, reports its offsets, then hangs uncommitted until killed.
import { EmbeddedEventLog } from '../../../shared/eventlog/embedded/embedded.ts';
import { KafkaEventLog } from '../../../shared/eventlog/kafka/kafka.ts';
import { silentLogger } from '../../../shared/logger.ts';
import type { EventLog } from '../../../shared/eventlog/port.ts';

const [kind, target, topic, group] = process.argv.slice(2);
const log: EventLog =
  kind === 'kafka'
    ? new KafkaEventLog(
        { brokers: target!.split(','), clientId: 'crash-test', ssl: false, replicationFactor: 1 },
        silentLogger,
        { sessionTimeoutMs: 6_000 },
      )
    : new EmbeddedEventLog({ path: target!, leaseMs: 1_500 });
const consumer = await log.consumer(group!, topic!);
for (;;) {
  const batch = await consumer.poll({ maxRecords: 50, maxWaitMs: 1000 });
  if (batch.length === 0) continue;
  // "Processed" the batch: say so, then never commit.
  process.stdout.write(JSON.stringify(batch.map((r) => [r.partition, r.offset])) + '\n');
  break;
}
setInterval(() => undefined, 1 << 30);
