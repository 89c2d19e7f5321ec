// The envelope every message carries: deterministic id, where it came from, which schema, when ingested.
import { z } from 'zod';

export const SchemaRef = z.object({ name: z.string().min(1), version: z.number().int().positive() });
export type SchemaRef = z.infer<typeof SchemaRef>;

export const SourceRef = z.object({ file: z.string().min(1), line: z.number().int().positive() });
export type SourceRef = z.infer<typeof SourceRef>;

export const MESSAGE_ID = /^[0-9a-f]{32}$/;

export function envelopeOf<P extends z.ZodType>(payload: P) {
  return z.object({
    id: z.string().regex(MESSAGE_ID, 'expected a 32-hex-digit content id'),
    schema: SchemaRef,
    source: SourceRef,
    ingested_at: z.iso.datetime(),
    payload,
  });
}

export interface Envelope<P> {
  id: string;
  schema: SchemaRef;
  source: SourceRef;
  ingested_at: string;
  payload: P;
}
