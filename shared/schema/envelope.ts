// The envelope every message carries: deterministic id, where it came from, which schema, when ingested.
import { z } from 'zod';

export const SchemaRef = z.object({ name: z.string().min(1), version: z.number().int().positive() });
export type SchemaRef = z.infer<typeof SchemaRef>;

/** A UTF-16 surrogate without its partner: JSON.stringify escapes it, and a strict JSON reader (DuckDB's) refuses the text. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** True when `s` is well-formed Unicode: every string that enters an envelope or a dead letter must be. */
export function isWellFormed(s: string): boolean {
  return !LONE_SURROGATE.test(s);
}

/** The path of the first string in `value` (keys included) that is not well-formed Unicode, or null. */
export function illFormedPath(value: unknown, path = ''): string | null {
  if (typeof value === 'string') return isWellFormed(value) ? null : path || '(value)';
  if (typeof value !== 'object' || value === null) return null;
  for (const [k, v] of Object.entries(value)) {
    const at = path ? `${path}.${k}` : k;
    if (!isWellFormed(k)) return at;
    const bad = illFormedPath(v, at);
    if (bad !== null) return bad;
  }
  return null;
}

/** A well-formed string: any lone surrogate becomes U+FFFD. */
export function toWellFormed(s: string): string {
  return isWellFormed(s) ? s : s.replace(new RegExp(LONE_SURROGATE.source, 'g'), '\uFFFD');
}

const wellFormedText = z.string().refine(isWellFormed, 'not well-formed Unicode (a lone UTF-16 surrogate)');

export const SourceRef = z.object({ file: wellFormedText.min(1), line: z.number().int().positive() });
export type SourceRef = z.infer<typeof SourceRef>;

export const MESSAGE_ID = /^[0-9a-f]{32}$/;

export interface Envelope<P> {
  id: string;
  schema: SchemaRef;
  source: SourceRef;
  ingested_at: string;
  payload: P;
}
