// The embedded log across real processes: concurrent producers and consumers, and acknowledged writes surviving kill -9.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { EmbeddedEventLog } from '../../shared/eventlog/embedded/embedded.ts';
import { planRead, sqliteBatchIndex, type BatchIndex } from '../../shared/eventlog/embedded/read-plan.ts';
import { prepareStatements } from '../../shared/eventlog/embedded/statements.ts';
import { nextOffsets, type LogRecord } from '../../shared/eventlog/port.ts';
import { tempDir } from '../helpers/tmp.ts';
import { waitFor } from '../helpers/wait.ts';

const dir = tempDir('fraudflow-procs-');
afterAll(() => dir.cleanup());
const child = join(import.meta.dirname, '../helpers/children/produce.ts');

function producer(
  path: string,
  topic: string,
  name: string,
  batches: number,
  size: number,
): { proc: ChildProcess; acked: () => number; done: Promise<number> } {
  const proc = spawn(process.execPath, ['--import', 'tsx', child, path, topic, name, String(batches), String(size)], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let acked = 0;
  let buf = '';
  proc.stdout!.on('data', (d: Buffer) => {
    buf += d.toString();
    const lines = buf.split('\n');
    buf = lines.pop()!;
    for (const l of lines) if (l.startsWith('acked ')) acked = Number(l.split(' ')[2]);
  });
  const done = new Promise<number>((resolve) => proc.on('exit', (code, signal) => resolve(code ?? (signal ? -1 : 0))));
  return { proc, acked: () => acked, done };
}

async function readEverything(path: string, topic: string): Promise<LogRecord[]> {
  const log = new EmbeddedEventLog({ path });
  const c = await log.consumer(`check-${Math.random()}`, topic);
  const out: LogRecord[] = [];
  for (;;) {
    const b = await c.poll({ maxRecords: 5000, maxWaitMs: 100 });
    if (b.length === 0) break;
    out.push(...b);
  }
  await c.close();
  await log.close();
  return out;
}

describe('embedded event log across processes', () => {
  it('keeps every message exactly once when two processes produce while a third consumes', async () => {
    const path = join(dir.path, 'concurrent.sqlite');
    const setup = new EmbeddedEventLog({ path });
    await setup.ensureTopic({ name: 't', partitions: 3 });
    const a = producer(path, 't', 'a', 40, 250);
    const b = producer(path, 't', 'b', 40, 250);
    // Consume in this process while the producers write.
    const consumer = await setup.consumer('live', 't');
    const seen: LogRecord[] = [];
    await waitFor(
      async () => {
        const batch = await consumer.poll({ maxRecords: 2000, maxWaitMs: 50 });
        seen.push(...batch);
        if (batch.length) await consumer.commit(nextOffsets(batch));
        return seen.length >= 20_000 || undefined;
      },
      'the consumer to see 20000 messages',
      60_000,
      1,
    );
    expect(await a.done).toBe(0);
    expect(await b.done).toBe(0);
    await consumer.close();
    const values = seen.map((r) => r.value.toString());
    expect(new Set(values).size).toBe(20_000);
    for (const p of [0, 1, 2]) {
      const offsets = seen.filter((r) => r.partition === p).map((r) => r.offset);
      expect(offsets).toEqual(offsets.map((_, i) => i));
    }
    const info = await setup.describeTopic('t');
    expect(info.partitions.reduce((n, p) => n + p.highWatermark, 0)).toBe(20_000);
    await setup.close();
  });

  it('keeps every acknowledged write when the writer is killed with SIGKILL', async () => {
    const path = join(dir.path, 'killed.sqlite');
    const setup = new EmbeddedEventLog({ path });
    await setup.ensureTopic({ name: 't', partitions: 2 });
    await setup.close();
    const p = producer(path, 't', 'k', 10_000, 500);
    await waitFor(() => p.acked() >= 5000 || undefined, 'the producer to acknowledge 5000 messages', 60_000);
    p.proc.kill('SIGKILL');
    expect(await p.done).toBe(-1);
    const acked = p.acked();
    const values = new Set((await readEverything(path, 't')).map((r) => r.value.toString()));
    for (let i = 0; i < acked; i++) expect(values.has(`k:${i}`)).toBe(true);
    // What is there beyond the last acknowledgement is whole batches only: the write was atomic.
    expect(values.size % 500).toBe(0);
    expect(values.size).toBeGreaterThanOrEqual(acked);
  });

  it('reads a batch that another process commits between two index lookups of a read', async () => {
    const path = join(dir.path, 'between.sqlite');
    const setup = new EmbeddedEventLog({ path });
    await setup.ensureTopic({ name: 't', partitions: 1 });
    await setup.produce('t', [{ key: 'k', value: 'first' }]);
    const db = new Database(path, { readonly: true });
    const index = sqliteBatchIndex(prepareStatements(db), setup.partitionRows('t')[0]!.id);
    let committed = false;
    // After the reader's first lookup (offset 1 not yet there), another process produces offsets 1 and 2, one each.
    const racing: BatchIndex = {
      atOrBefore(offset) {
        const answer = index.atOrBefore(offset);
        if (!committed) {
          const late = spawnSync(process.execPath, ['--import', 'tsx', child, path, 't', 'late', '2', '1']);
          expect(late.status, late.stderr.toString()).toBe(0);
          committed = true;
        }
        return answer;
      },
      startingFrom: (offset, n) => index.startingFrom(offset, n),
    };
    const slices = planRead(racing, 1, 100);
    expect(slices.map((s) => [s.batch.first, s.skip, s.take])).toEqual([
      [1, 0, 1],
      [2, 0, 1],
    ]);
    db.close();
    await setup.close();
  });

  it('reads every record once, in order, while another process appends one-message batches', async () => {
    const path = join(dir.path, 'small-batches.sqlite');
    const setup = new EmbeddedEventLog({ path });
    await setup.ensureTopic({ name: 't', partitions: 1 });
    const writer = producer(path, 't', 's', 400, 1);
    const consumer = await setup.consumer('live', 't');
    const seen: LogRecord[] = [];
    await waitFor(
      async () => {
        seen.push(...(await consumer.poll({ maxRecords: 1000, maxWaitMs: 1 })));
        return seen.length >= 400 || writer.proc.exitCode !== null || undefined;
      },
      'the consumer to keep up with the writer',
      60_000,
      1,
    );
    expect(await writer.done).toBe(0);
    let more = await consumer.poll({ maxRecords: 1000, maxWaitMs: 50 });
    while (more.length) {
      seen.push(...more);
      more = await consumer.poll({ maxRecords: 1000, maxWaitMs: 50 });
    }
    expect(seen.map((r) => r.offset)).toEqual(Array.from({ length: 400 }, (_, i) => i));
    expect(seen.map((r) => r.value.toString())).toEqual(Array.from({ length: 400 }, (_, i) => `s:${i}`));
    await consumer.close();
    await setup.close();
  });
});
