// Late labels into the online feature state: what arrived on `labels` since the last run, applied once per transaction.
import { nextOffsets, type EventLog } from '../../shared/eventlog/port.ts';
import type { FeatureState } from '../../shared/features/raw/port.ts';
import type { Logger } from '../../shared/logger.ts';
import type { Label } from '../../shared/schema/label.ts';
import { checkEnvelope } from '../../shared/schema/registry.ts';
import { TOPICS } from '../../shared/topics.ts';

export interface LabelPorts {
  readonly eventLog: EventLog;
  readonly features: FeatureState;
  readonly logger: Logger;
}

/**
 * Drains the `labels` topic from `group`'s offsets into the state, committing after each batch is applied: a crash
 * applies a batch again, which changes nothing (setLabel is idempotent). A label of a transaction the state does not
 * hold (a Kaggle row, or one past retention) changes nothing either. Envelopes that are not labels were refused at
 * ingest already; here they are counted and passed over. score-stream applies them after recording its transactions:
 * a label whose transaction reaches the state only later (it is further back in the backlog) is not kept for it.
 */
export async function applyLabels(ports: LabelPorts, group: string): Promise<{ applied: number; ignored: number }> {
  const consumer = await ports.eventLog.consumer(group, TOPICS.labels);
  const totals = { applied: 0, ignored: 0 };
  try {
    for (;;) {
      const records = await consumer.poll({ maxRecords: 5000, maxWaitMs: 50 });
      if (records.length === 0) break;
      for (const r of records) {
        const checked = checkEnvelope(r.value);
        if (!checked.ok || checked.envelope.schema.name !== 'label') {
          totals.ignored++;
          continue;
        }
        const label = checked.envelope.payload as unknown as Label;
        await ports.features.setLabel(label.transaction_id, label.label);
        totals.applied++;
      }
      await consumer.commit(nextOffsets(records));
    }
  } finally {
    await consumer.close();
  }
  if (totals.applied || totals.ignored) ports.logger.info('score-stream: labels applied to the online state', totals);
  return totals;
}
