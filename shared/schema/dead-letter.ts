// A rejected input row, as sent to `<topic>.dlq`: where it was, what it said, and every reason it failed.
import { z } from 'zod';
import { isWellFormed } from './envelope.ts';
import { above, atLeast, boundedNumber } from './numbers.ts';

export const MAX_DLQ_RAW_CHARS = 4096;

const text = z.string().refine(isWellFormed, 'not well-formed Unicode (a lone UTF-16 surrogate)');

/** The first `max` UTF-16 units of `s`, never ending on half of a surrogate pair. */
export function cutText(s: string, max: number): string {
  if (s.length <= max) return s;
  const code = s.charCodeAt(max - 1);
  return s.slice(0, code >= 0xd800 && code <= 0xdbff ? max - 1 : max);
}

export const DeadLetter = z.object({
  id: z.string().regex(/^[0-9a-f]{32}$/),
  file: text.min(1),
  line: boundedNumber({ integer: true, min: above(0) }),
  /** The raw text of the row, cut to MAX_DLQ_RAW_CHARS. */
  raw: text,
  raw_truncated: z.boolean(),
  raw_bytes: boundedNumber({ integer: true, min: atLeast(0) }),
  reasons: z.array(text.min(1)).min(1),
  schema: z.string().nullable(),
  rejected_at: z.iso.datetime(),
});
export type DeadLetter = z.infer<typeof DeadLetter>;
