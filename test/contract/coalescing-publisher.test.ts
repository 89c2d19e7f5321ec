// Concurrent publishes share produces on the real embedded log; each caller learns the fate of the produce carrying it.
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { EmbeddedEventLog } from '../../shared/eventlog/embedded/embedded.ts';
import { CoalescingPublisher } from '../../shared/eventlog/coalescing-publisher.ts';
import type { EventLog, OutgoingMessage, ProduceResult } from '../../shared/eventlog/port.ts';
import { FraudflowError } from '../../shared/errors.ts';
import { tempDir } from '../helpers/tmp.ts';

const dir = tempDir('fraudflow-coalesce-');
afterAll(() => dir.cleanup());

const msg = (i: number): OutgoingMessage => ({ key: `k${i % 7}`, value: JSON.stringify({ i }) });

describe('CoalescingPublisher', () => {
  it('lands every message of 200 concurrent publishes, in far fewer produces', async () => {
    const log = new EmbeddedEventLog({ path: join(dir.path, 'a.sqlite') });
    await log.ensureTopic({ name: 'v', partitions: 3 });
    const publisher = new CoalescingPublisher(log, 'v');
    await Promise.all(Array.from({ length: 200 }, (_, i) => publisher.publish([msg(i)])));
    const info = await log.describeTopic('v');
    expect(info.partitions.reduce((n, p) => n + p.highWatermark, 0)).toBe(200);
    const stats = publisher.stats();
    expect(stats.calls).toBe(200);
    expect(stats.produces).toBeLessThan(10);
    await log.close();
  });

  it('rejects exactly the callers whose produce failed, and carries on with the next ones', async () => {
    const real = new EmbeddedEventLog({ path: join(dir.path, 'b.sqlite') });
    await real.ensureTopic({ name: 'v', partitions: 1 });
    let fail = true;
    const flaky: EventLog = Object.assign(Object.create(real) as EventLog, {
      produce: async (topic: string, messages: readonly OutgoingMessage[]): Promise<ProduceResult> => {
        if (fail) throw new FraudflowError('EVENTLOG_UNAVAILABLE', 'broker away');
        return real.produce(topic, messages);
      },
    });
    const publisher = new CoalescingPublisher(flaky, 'v');
    const first = await Promise.allSettled([publisher.publish([msg(1)]), publisher.publish([msg(2)])]);
    expect(first.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    expect((first[0] as PromiseRejectedResult).reason).toBeInstanceOf(FraudflowError);
    fail = false;
    await Promise.all([publisher.publish([msg(3)]), publisher.publish([msg(4), msg(5)])]);
    expect((await real.describeTopic('v')).partitions[0]!.highWatermark).toBe(3);
    await real.close();
  });

  it('splits a backlog into produces of at most maxBatch messages', async () => {
    const log = new EmbeddedEventLog({ path: join(dir.path, 'c.sqlite') });
    await log.ensureTopic({ name: 'v', partitions: 1 });
    const publisher = new CoalescingPublisher(log, 'v', 10);
    await Promise.all(Array.from({ length: 25 }, (_, i) => publisher.publish([msg(i), msg(i + 100)])));
    expect((await log.describeTopic('v')).partitions[0]!.highWatermark).toBe(50);
    expect(publisher.stats().produces).toBeGreaterThanOrEqual(5);
    await log.close();
  });
});
