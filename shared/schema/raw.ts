// The raw card transaction format: who paid whom, how much, when; the label arrives later (optional).
import { z } from 'zod';
import { fraudLabel } from './kaggle.ts';

/** ISO 8601 date-time, seconds required; a space may stand for the T; no zone means UTC. */
export const ISO_DATETIME = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2}):(\d{2})(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})?$/;

export const isoDateTime = z
  .string()
  .regex(ISO_DATETIME, 'expected an ISO 8601 date-time like 2026-04-01T13:45:00Z')
  .refine((s) => isRealDateTime(s), 'not a real calendar date-time');

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
    amount: z.number().nonnegative(),
    label: fraudLabel.optional(),
    /** Set by the simulator only: which fraud scenario produced the row (0 = genuine). */
    fraud_scenario: z.number().int().min(0).max(3).optional(),
  })
  .strict();
export type RawTransaction = z.infer<typeof RawTransaction>;

export const RAW_SCHEMA = { name: 'raw', version: 1 } as const;

function isRealDateTime(s: string): boolean {
  const m = ISO_DATETIME.exec(s);
  if (!m) return false;
  const [y, mo, d, h, mi, se] = [m[1], m[2], m[3], m[4], m[5], m[6]].map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  if (mo < 1 || mo > 12 || h > 23 || mi > 59 || se > 59) return false;
  const days = new Date(Date.UTC(y, mo, 0)).getUTCDate();
  return d >= 1 && d <= days;
}

/** Epoch milliseconds of a validated tx_datetime (UTC when it carries no zone). */
export function txEpochMs(s: string): number {
  const withT = s.replace(' ', 'T');
  return Date.parse(/(Z|[+-]\d{2}:\d{2})$/.test(withT) ? withT : `${withT}Z`);
}
