// The raw card transaction format: who paid whom, how much, when; the label arrives later (optional).
import { z } from 'zod';
import { fraudLabel } from './kaggle.ts';
import { dateTimeProblem, epochMsOf } from './datetime.ts';
import { MAX_AMOUNT } from './limits.ts';
import { atLeast, atMost, boundedNumber } from './numbers.ts';

export { ISO_DATETIME } from './datetime.ts';

/** A date-time by the grammar of datetime.ts; each problem named (the shape, the calendar, the year, the offset). */
export const isoDateTime = z.string().superRefine((s, ctx) => {
  const problem = dateTimeProblem(s);
  if (problem) ctx.addIssue({ code: 'custom', message: problem, input: s });
});

export const identifier = z
  .string()
  .min(1)
  .max(128)
  .regex(/^[A-Za-z0-9_.:-]+$/, 'expected letters, digits, _ . : or -');

export const RawTransaction = z
  .object({
    transaction_id: identifier,
    tx_datetime: isoDateTime,
    customer_id: identifier,
    terminal_id: identifier,
    amount: boundedNumber({ integer: false, min: atLeast(0), max: atMost(MAX_AMOUNT) }),
    label: fraudLabel.optional(),
    /** Set by the simulator only: which fraud scenario produced the row (0 = genuine). */
    fraud_scenario: boundedNumber({ integer: true, min: atLeast(0), max: atMost(3) }).optional(),
  })
  .strict();
export type RawTransaction = z.infer<typeof RawTransaction>;

export const RAW_SCHEMA = { name: 'raw', version: 1 } as const;

/** Epoch milliseconds of a tx_datetime (UTC when it carries no zone); INPUT_INVALID for text outside the grammar. */
export function txEpochMs(s: string): number {
  return epochMsOf(s, 'tx_datetime');
}
