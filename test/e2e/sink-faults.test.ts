// Kill -9 a real sink process before its write and after it (before the commit): a re-run leaves exactly the produced ids, once each.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { EmbeddedEventLog } from '../../shared/eventlog/embedded/embedded.ts';
import { nextOffsets, type EventLog } from '../../shared/eventlog/port.ts';
import { DuckDbWarehouse } from '../../shared/warehouse/duckdb/duckdb.ts';
import { queryAll } from '../../shared/warehouse/port.ts';
import { silentLogger } from '../../shared/logger.ts';
import { topicSpecs, TOPICS } from '../../shared/topics.ts';
import { writeKaggleCsv } from '../../shared/synth/kaggle.ts';
import { ingest } from '../../functions/ingest/ingest.ts';
import { fileSource } from '../../functions/ingest/index.ts';
import { sink } from '../../functions/sink/sink.ts';
import { SINK_GROUP, SINK_ROUTES } from '../../functions/sink/routes.ts';
import { tempDir } from '../helpers/tmp.ts';

/** Runs the sink core in a child process with a fault port that hangs at `point`, and kill -9s it there. */
function untilFault(point: string, env: Record<string, string>): Promise<{ stderr: string }> {
  const child = join(import.meta.dirname, '../helpers/children/sink-until-fault.ts');
  const proc = spawn(process.execPath, ['--import', 'tsx', child, point, TOPICS.transactions], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  return new Promise((resolve) => {
    proc.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
      if (/FAULT /.test(stderr)) proc.kill('SIGKILL');
    });
    proc.on('exit', () => resolve({ stderr }));
  });
}

const dir = tempDir('fraudflow-sink-faults-');
afterAll(() => dir.cleanup());
const ROWS = 4000;
const BATCH = 1000;
const route = SINK_ROUTES.find((r) => r.topic === TOPICS.transactions)!;

async function producedIds(log: EventLog): Promise<string[]> {
  const c = await log.consumer(`check-${randomUUID()}`, TOPICS.transactions);
  const ids: string[] = [];
  for (
    let batch = await c.poll({ maxRecords: 10_000, maxWaitMs: 50 });
    batch.length;
    batch = await c.poll({ maxRecords: 10_000, maxWaitMs: 50 })
  ) {
    for (const r of batch) ids.push((JSON.parse(r.value.toString('utf8')) as { id: string }).id);
    await c.commit(nextOffsets(batch));
  }
  await c.close();
  return ids.sort();
}

async function landed(path: string): Promise<{ ids: string[]; n: number }> {
  const w = await DuckDbWarehouse.open(path, { readOnly: true });
  const ids = (await queryAll(w, 'select id from transactions order by id')).map((r) => String(r.id));
  await w.close();
  return { ids, n: ids.length };
}

describe('sink under kill -9', () => {
  it.concurrent.each(['before-write', 'after-write'] as const)(
    'loses and duplicates nothing when the process is killed %s',
    async (point) => {
      const data = join(dir.path, point);
      const file = join(dir.path, `${point}.csv`);
      await writeKaggleCsv(file, ROWS, 2);
      const log = new EmbeddedEventLog({ path: join(data, 'eventlog.sqlite') });
      for (const spec of topicSpecs(4)) await log.ensureTopic(spec);
      await ingest(
        fileSource(file),
        { eventLog: log, logger: silentLogger },
        { topic: TOPICS.transactions, batchSize: 1000 },
      );

      const crashed = await untilFault(point, { FRAUDFLOW_DATA_DIR: data, FRAUDFLOW_SINK_BATCH: String(BATCH) });
      expect(crashed.stderr).toContain(`FAULT ${point} ${TOPICS.transactions}`);
      // Killed where intended: the first batch is in the warehouse (after-write) or not (before-write), and nothing is committed.
      const warehouse = join(data, 'warehouse.duckdb');
      expect((await landed(warehouse)).n).toBe(point === 'after-write' ? BATCH : 0);
      expect((await log.committedOffsets(SINK_GROUP, TOPICS.transactions)).reduce((a, p) => a + p.offset, 0)).toBe(0);

      const w = await DuckDbWarehouse.open(warehouse);
      const [again] = await sink(
        { eventLog: log, warehouse: w, logger: silentLogger },
        { routes: [route], group: SINK_GROUP, batchSize: BATCH, maxRows: 1e6, maxSeconds: 60 },
      );
      await w.close();
      expect(again).toMatchObject({
        rows: ROWS,
        lag_left: 0,
        inserted: point === 'after-write' ? ROWS - BATCH : ROWS,
        duplicates: point === 'after-write' ? BATCH : 0,
      });
      const produced = await producedIds(log);
      await log.close();
      expect(produced).toHaveLength(ROWS);
      expect((await landed(warehouse)).ids).toEqual(produced);
    },
  );
});
