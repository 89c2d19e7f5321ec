// Runs the real ingest core on bytes written to a temp file, against a real embedded log, and reads back both topics.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { EmbeddedEventLog } from '../../shared/eventlog/embedded/embedded.ts';
import { silentLogger } from '../../shared/logger.ts';
import { topicSpecs, TOPICS } from '../../shared/topics.ts';
import { ingest, type IngestSummary } from '../../functions/ingest/ingest.ts';
import { fileSource } from '../../functions/ingest/index.ts';
import { nextOffsets, type EventLog } from '../../shared/eventlog/port.ts';
import type { DeadLetter } from '../../shared/schema/dead-letter.ts';
import type { Encoder } from '../../functions/ingest/encoder-pool.ts';
import { tempDir } from './tmp.ts';

export interface Harness {
  readonly dir: string;
  readonly log: EventLog;
  ingestBytes(name: string, bytes: Buffer | string, batchSize?: number): Promise<IngestSummary>;
  ingestFile(path: string, batchSize?: number): Promise<IngestSummary>;
  /** Everything in a topic, read by a fresh group. */
  readAll(topic: string): Promise<Array<{ key: string | null; value: unknown }>>;
  deadLetters(): Promise<DeadLetter[]>;
  close(): Promise<void>;
}

export async function ingestHarness(encoder?: Encoder): Promise<Harness> {
  const tmp = tempDir('fraudflow-ingest-');
  const log = new EmbeddedEventLog({ path: join(tmp.path, 'log.sqlite') });
  for (const spec of topicSpecs(2)) await log.ensureTopic(spec);
  const run = (path: string, batchSize = 100) =>
    ingest(
      fileSource(path),
      { eventLog: log, logger: silentLogger, ...(encoder ? { encoder } : {}) },
      { topic: TOPICS.transactions, batchSize, maxRecordBytes: 1 << 20 },
    );
  const readAll = async (topic: string) => {
    const c = await log.consumer(`read-${randomUUID()}`, topic);
    const out: Array<{ key: string | null; value: unknown }> = [];
    for (;;) {
      const batch = await c.poll({ maxRecords: 10_000, maxWaitMs: 50 });
      if (batch.length === 0) break;
      for (const r of batch) out.push({ key: r.key, value: JSON.parse(r.value.toString('utf8')) });
      await c.commit(nextOffsets(batch));
    }
    await c.close();
    return out;
  };
  return {
    dir: tmp.path,
    log,
    ingestBytes: (name, bytes, batchSize) => {
      const path = join(tmp.path, name);
      writeFileSync(path, bytes);
      return run(path, batchSize);
    },
    ingestFile: run,
    readAll,
    deadLetters: async () => (await readAll(TOPICS.transactionsDlq)).map((m) => m.value as DeadLetter),
    close: async () => {
      await log.close();
      tmp.cleanup();
    },
  };
}
