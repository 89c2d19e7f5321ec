// A rejected input row, as sent to `<topic>.dlq`: where it was, what it said, and every reason it failed.
import { z } from 'zod';

export const MAX_DLQ_RAW_CHARS = 4096;

export const DeadLetter = z.object({
  id: z.string().regex(/^[0-9a-f]{32}$/),
  file: z.string().min(1),
  line: z.number().int().positive(),
  /** The raw text of the row, cut to MAX_DLQ_RAW_CHARS. */
  raw: z.string(),
  raw_truncated: z.boolean(),
  raw_bytes: z.number().int().nonnegative(),
  reasons: z.array(z.string().min(1)).min(1),
  schema: z.string().nullable(),
  rejected_at: z.iso.datetime(),
});
export type DeadLetter = z.infer<typeof DeadLetter>;
