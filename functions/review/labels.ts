// An analyst's decision as labels on the `labels` topic: one per transaction, saying who decided and when.
import { z } from 'zod';
import type { EventLog, OutgoingMessage } from '../../shared/eventlog/port.ts';
import { contentId } from '../../shared/schema/formats.ts';
import { Label, LABEL_SCHEMA } from '../../shared/schema/label.ts';
import { TOPICS } from '../../shared/topics.ts';

export const LabelDecision = z
  .object({
    transaction_ids: z.array(z.string().min(1).max(128)).min(1).max(500),
    decision: z.enum(['fraud', 'genuine']),
    analyst: Label.shape.labelled_by.unwrap(),
  })
  .strict();
export type LabelDecision = z.infer<typeof LabelDecision>;

/** The labels of a decision, as the envelopes the sink lands in `labels` (ids as a label file's rows get them). */
export function labelMessages(decision: LabelDecision, at: Date): OutgoingMessage[] {
  const labelled_at = at.toISOString().replace(/\.\d{3}Z$/, 'Z');
  return [...new Set(decision.transaction_ids)].map((transaction_id, i) => {
    const payload = Label.parse({
      transaction_id,
      label: decision.decision === 'fraud' ? 1 : 0,
      source: 'review',
      labelled_at,
      labelled_by: decision.analyst,
    });
    return {
      key: transaction_id,
      value: JSON.stringify({
        id: contentId(`label/1:${transaction_id}:${labelled_at}`),
        schema: LABEL_SCHEMA,
        source: { file: `review:${decision.analyst}`, line: i + 1 },
        ingested_at: at.toISOString(),
        payload,
      }),
    };
  });
}

/** Produces the decision's labels; resolves once the log has acknowledged them. */
export async function submitLabels(
  decision: LabelDecision,
  ports: { eventLog: EventLog; now: () => Date },
): Promise<{ labelled: number }> {
  const messages = labelMessages(decision, ports.now());
  await ports.eventLog.produce(TOPICS.labels, messages);
  return { labelled: messages.length };
}
