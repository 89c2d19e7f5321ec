// The event-log contract: every adapter (embedded, Kafka) must pass these, unchanged.
import { describe, expect, it, beforeAll, afterAll } from 'vitest';
import { randomUUID } from 'node:crypto';
import { FraudflowError } from '../../shared/errors.ts';
import { lagOf, nextOffsets, type EventLog, type LogRecord } from '../../shared/eventlog/port.ts';
import { partitionForKey } from '../../shared/eventlog/partitioner.ts';

export interface ContractTarget {
  open(): Promise<EventLog>;
  /** Called once after all tests. */
  teardown?(): Promise<void>;
}

async function drain(
  log: EventLog,
  group: string,
  topic: string,
  expected: number,
  commit = true,
): Promise<LogRecord[]> {
  const consumer = await log.consumer(group, topic);
  const out: LogRecord[] = [];
  const deadline = Date.now() + 30_000;
  try {
    while (out.length < expected && Date.now() < deadline) {
      const batch = await consumer.poll({ maxRecords: 500, maxWaitMs: 1000 });
      out.push(...batch);
    }
    if (commit) await consumer.commit(nextOffsets(out));
  } finally {
    await consumer.close();
  }
  return out;
}

export function eventLogContract(name: string, target: ContractTarget): void {
  describe(`event log contract: ${name}`, () => {
    let log: EventLog;
    const topic = (suffix: string) => `contract-${suffix}-${randomUUID().slice(0, 8)}`;

    beforeAll(async () => {
      log = await target.open();
    }, 60_000);
    afterAll(async () => {
      await log?.close();
      await target.teardown?.();
    }, 60_000);

    it('creates a topic with its partition count, and creating it again changes nothing', async () => {
      const t = topic('create');
      await log.ensureTopic({ name: t, partitions: 3 });
      await log.ensureTopic({ name: t, partitions: 5 });
      const info = await log.describeTopic(t);
      expect(info.partitions.map((p) => p.partition)).toEqual([0, 1, 2]);
      expect(info.partitions.every((p) => p.highWatermark === 0)).toBe(true);
      expect((await log.listTopics()).map((x) => x.name)).toContain(t);
    });

    it('delivers every produced message once to a new group, in order within each partition, with keys, values and headers intact', async () => {
      const t = topic('order');
      await log.ensureTopic({ name: t, partitions: 3 });
      const messages = Array.from({ length: 300 }, (_, i) => ({
        key: `k${i % 17}`,
        value: JSON.stringify({ i }),
        headers: { n: String(i) },
      }));
      const result = await log.produce(t, messages);
      expect(result.count).toBe(300);
      const got = await drain(log, `g-${randomUUID()}`, t, 300);
      expect(got).toHaveLength(300);
      expect(new Set(got.map((r) => JSON.parse(r.value.toString()).i)).size).toBe(300);
      for (const r of got) {
        const i = JSON.parse(r.value.toString()).i as number;
        expect(r.key).toBe(`k${i % 17}`);
        expect(r.headers.n).toBe(String(i));
      }
      for (const p of [0, 1, 2]) {
        const seq = got.filter((r) => r.partition === p);
        expect(seq.map((r) => r.offset)).toEqual(seq.map((_, j) => j));
        const is = seq.map((r) => JSON.parse(r.value.toString()).i as number);
        expect(is).toEqual([...is].sort((a, b) => a - b));
      }
    });

    it("puts equal keys in the same partition, the one Kafka's default partitioner picks", async () => {
      const t = topic('keys');
      await log.ensureTopic({ name: t, partitions: 4 });
      const keys = Array.from({ length: 40 }, (_, i) => `customer-${i}`);
      await log.produce(
        t,
        keys.map((key) => ({ key, value: key })),
      );
      const got = await drain(log, `g-${randomUUID()}`, t, 40);
      for (const r of got) expect(r.partition).toBe(partitionForKey(r.key!, 4));
    });

    it('resumes a group from its committed offsets and re-reads what was not committed', async () => {
      const t = topic('commit');
      await log.ensureTopic({ name: t, partitions: 2 });
      await log.produce(
        t,
        Array.from({ length: 100 }, (_, i) => ({ key: `k${i}`, value: String(i) })),
      );
      const group = `g-${randomUUID()}`;
      const first = await log.consumer(group, t);
      const seen: LogRecord[] = [];
      while (seen.length < 100) seen.push(...(await first.poll({ maxRecords: 100, maxWaitMs: 1000 })));
      // Commit only the first half of each partition: the rest must come back.
      const half = [0, 1].map((p) => {
        const recs = seen.filter((r) => r.partition === p);
        return { partition: p, offset: Math.floor(recs.length / 2) };
      });
      await first.commit(half);
      await first.close();
      expect(await log.committedOffsets(group, t)).toEqual(half);
      const info = await log.describeTopic(t);
      expect(lagOf(info, half)).toBe(100 - half[0]!.offset - half[1]!.offset);
      const again = await drain(log, group, t, 100 - half[0]!.offset - half[1]!.offset);
      expect(again.length).toBe(100 - half[0]!.offset - half[1]!.offset);
      for (const r of again)
        expect(r.offset).toBeGreaterThanOrEqual(half.find((h) => h.partition === r.partition)!.offset);
      expect(lagOf(await log.describeTopic(t), await log.committedOffsets(group, t))).toBe(0);
    });

    it('keeps groups independent of each other', async () => {
      const t = topic('groups');
      await log.ensureTopic({ name: t, partitions: 1 });
      await log.produce(t, [
        { key: 'a', value: '1' },
        { key: 'a', value: '2' },
      ]);
      const a = await drain(log, `a-${randomUUID()}`, t, 2);
      const b = await drain(log, `b-${randomUUID()}`, t, 2);
      expect(a.map((r) => r.value.toString())).toEqual(['1', '2']);
      expect(b.map((r) => r.value.toString())).toEqual(['1', '2']);
    });

    it('returns an empty batch from an empty topic within the wait', async () => {
      const t = topic('empty');
      await log.ensureTopic({ name: t, partitions: 1 });
      const c = await log.consumer(`g-${randomUUID()}`, t);
      const started = Date.now();
      expect(await c.poll({ maxRecords: 10, maxWaitMs: 300 })).toEqual([]);
      expect(Date.now() - started).toBeLessThan(15_000);
      await c.close();
    });

    it('reports high-water marks equal to what was produced', async () => {
      const t = topic('hwm');
      await log.ensureTopic({ name: t, partitions: 2 });
      const r = await log.produce(
        t,
        Array.from({ length: 50 }, (_, i) => ({ key: `x${i}`, value: 'v' })),
      );
      const info = await log.describeTopic(t);
      expect(info.partitions.reduce((n, p) => n + p.highWatermark, 0)).toBe(50);
      for (const p of r.partitions) expect(info.partitions[p.partition]!.highWatermark).toBe(p.lastOffset + 1);
    });

    it('lands a produce larger than one broker request whole and in order, at the offset ranges it reports', async () => {
      const t = topic('large');
      await log.ensureTopic({ name: t, partitions: 2 });
      const pad = 'x'.repeat(1000);
      // About 4 MB in one call: more than a Kafka broker takes in one request per partition (1 MiB by default).
      const big = await log.produce(
        t,
        Array.from({ length: 4000 }, (_, i) => ({ key: `k${i % 13}`, value: JSON.stringify({ i, pad }) })),
      );
      const next = await log.produce(
        t,
        Array.from({ length: 10 }, (_, i) => ({ key: `k${i % 13}`, value: JSON.stringify({ i: 4000 + i, pad }) })),
      );
      expect(big.count).toBe(4000);
      expect(big.partitions.reduce((n, p) => n + p.count, 0)).toBe(4000);
      for (const p of big.partitions) {
        expect(p.firstOffset).toBe(0);
        expect(p.lastOffset).toBe(p.count - 1);
        const after = next.partitions.find((q) => q.partition === p.partition);
        if (after) expect(after.firstOffset).toBe(p.lastOffset + 1);
      }
      const got = await drain(log, `g-${randomUUID()}`, t, 4010);
      expect(got).toHaveLength(4010);
      for (const p of [0, 1]) {
        const seq = got.filter((r) => r.partition === p);
        expect(seq.map((r) => r.offset)).toEqual(seq.map((_, j) => j));
        const is = seq.map((r) => JSON.parse(r.value.toString()).i as number);
        expect(is).toEqual([...is].sort((a, b) => a - b));
      }
    });

    it('counts a consumer that holds a group as an active member, and none once it has closed', async () => {
      const t = topic('members');
      const group = `g-${randomUUID()}`;
      await log.ensureTopic({ name: t, partitions: 2 });
      await log.produce(t, [{ key: 'k', value: 'v' }]);
      expect(await log.activeMembers(group, t)).toBe(0);
      const holder = await log.consumer(group, t);
      try {
        const deadline = Date.now() + 30_000;
        while ((await holder.poll({ maxRecords: 10, maxWaitMs: 500 })).length === 0 && Date.now() < deadline);
        expect(await log.activeMembers(group, t)).toBe(1);
      } finally {
        await holder.close();
      }
      expect(await log.activeMembers(group, t)).toBe(0);
    }, 60_000);

    it('refuses to produce to a topic that does not exist, with a typed error', async () => {
      await expect(log.produce(topic('missing'), [{ key: 'k', value: 'v' }])).rejects.toBeInstanceOf(FraudflowError);
    });
  });
}
