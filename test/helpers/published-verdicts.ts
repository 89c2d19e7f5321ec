// Every verdict published on a topic of an event log, read from the start by a fresh group; an invalid one fails the test.
import { randomUUID } from 'node:crypto';
import { nextOffsets, type EventLog } from '../../shared/eventlog/port.ts';
import { checkEnvelope } from '../../shared/schema/registry.ts';
import type { Verdict } from '../../shared/schema/verdict.ts';
import { TOPICS } from '../../shared/topics.ts';

export async function publishedVerdicts(log: EventLog, topic: string = TOPICS.verdicts): Promise<Verdict[]> {
  const c = await log.consumer(`read-${randomUUID()}`, topic);
  const out: Verdict[] = [];
  try {
    for (;;) {
      const batch = await c.poll({ maxRecords: 10_000, maxWaitMs: 50 });
      if (batch.length === 0) return out;
      for (const r of batch) {
        const checked = checkEnvelope(r.value);
        if (!checked.ok) throw new Error(`an invalid verdict was published: ${checked.reasons.join('; ')}`);
        out.push(checked.envelope.payload as unknown as Verdict);
      }
      await c.commit(nextOffsets(batch));
    }
  } finally {
    await c.close();
  }
}
