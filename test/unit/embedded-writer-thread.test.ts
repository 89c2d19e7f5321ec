// The embedded log's writer thread: a produce is written, synced and committed off the caller's thread, and what it
// acknowledges is there for any other connection, in call order.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { EmbeddedEventLog } from '../../shared/eventlog/embedded/embedded.ts';
import { nextOffsets } from '../../shared/eventlog/port.ts';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
const logPath = () => {
  const d = mkdtempSync(join(tmpdir(), 'ff-writer-'));
  dirs.push(d);
  return join(d, 'log.sqlite');
};
const value = (i: number) => Buffer.from(`{"n":${i},"pad":"${'x'.repeat(600)}"}`);

describe('embedded log writer thread', () => {
  it('keeps the caller thread turning while a produce is made durable (FULL sync)', async () => {
    const log = new EmbeddedEventLog({ path: logPath(), synchronous: 'FULL' });
    await log.ensureTopic({ name: 't', partitions: 4 });
    const messages = Array.from({ length: 20_000 }, (_, i) => ({ key: `k${i}`, value: value(i) }));
    let turns = 0;
    let done = false;
    const spin = (): void => {
      if (done) return;
      turns++;
      setImmediate(spin);
    };
    setImmediate(spin);
    const result = await log.produce('t', messages);
    done = true;
    expect(result.count).toBe(20_000);
    expect(turns).toBeGreaterThan(0);
    await log.close();
  });

  it('acknowledges only what another connection then reads, every message once and in call order', async () => {
    const path = logPath();
    const log = new EmbeddedEventLog({ path, synchronous: 'NORMAL' });
    await log.ensureTopic({ name: 't', partitions: 2 });
    // Handed over without waiting in between: the thread takes them in call order.
    const produces = [0, 1, 2, 3].map((k) =>
      log.produce(
        't',
        Array.from({ length: 500 }, (_, i) => ({ key: 'one-key', value: value(k * 500 + i) })),
      ),
    );
    const results = await Promise.all(produces);
    expect(results.map((r) => r.partitions[0]!.firstOffset)).toEqual([0, 500, 1000, 1500]);
    const reader = new EmbeddedEventLog({ path, writerThread: false });
    const consumer = await reader.consumer('g', 't');
    const got: number[] = [];
    for (;;) {
      const batch = await consumer.poll({ maxRecords: 1000, maxWaitMs: 200 });
      if (batch.length === 0) break;
      for (const r of batch) got.push((JSON.parse(r.value.toString()) as { n: number }).n);
      await consumer.commit(nextOffsets(batch));
    }
    expect(got).toEqual(Array.from({ length: 2000 }, (_, i) => i));
    await consumer.close();
    await reader.close();
    await log.close();
  });

  it('closes once its produces are acknowledged, and a second close is harmless', async () => {
    const log = new EmbeddedEventLog({ path: logPath() });
    await log.ensureTopic({ name: 't', partitions: 1 });
    await log.produce('t', [{ key: 'a', value: 'b' }]);
    await log.close();
    await log.close();
  });
});
