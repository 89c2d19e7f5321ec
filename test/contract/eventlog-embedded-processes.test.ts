// The embedded log across real processes: concurrent producers and consumers, and acknowledged writes surviving kill -9.
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { EmbeddedEventLog } from '../../shared/eventlog/embedded/embedded.ts';
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
});
