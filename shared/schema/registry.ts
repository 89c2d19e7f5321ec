// Payload schemas by the name an envelope carries: how a consumer validates what it reads from a topic.
import { z } from 'zod';
import { KaggleTransaction, KAGGLE_SCHEMA } from './kaggle.ts';
import { RawTransaction, RAW_SCHEMA } from './raw.ts';
import { Verdict, VERDICT_SCHEMA } from './verdict.ts';
import { Label, LABEL_SCHEMA } from './label.ts';
import { SchemaRef, SourceRef, MESSAGE_ID } from './envelope.ts';
import { exactObjectCheck, type ObjectCheck } from './bounds.ts';
import { issueLines } from './issues.ts';

export const PAYLOAD_SCHEMAS: Record<string, { version: number; schema: z.ZodType; exact?: ObjectCheck }> = {
  [KAGGLE_SCHEMA.name]: {
    version: KAGGLE_SCHEMA.version,
    schema: KaggleTransaction,
    exact: exactObjectCheck(KaggleTransaction)!,
  },
  [RAW_SCHEMA.name]: { version: RAW_SCHEMA.version, schema: RawTransaction },
  [VERDICT_SCHEMA.name]: { version: VERDICT_SCHEMA.version, schema: Verdict },
  [LABEL_SCHEMA.name]: { version: LABEL_SCHEMA.version, schema: Label },
};

/** The envelope with its payload left open: the payload is checked against the schema it names. */
export const AnyEnvelope = z.object({
  id: z.string().regex(MESSAGE_ID),
  schema: SchemaRef,
  source: SourceRef,
  ingested_at: z.iso.datetime(),
  // Only "an object" here: the payload's own schema checks its fields (a record schema would walk them twice).
  payload: z.custom<Record<string, unknown>>(
    (v) => typeof v === 'object' && v !== null && !Array.isArray(v),
    'expected an object',
  ),
});
export type AnyEnvelope = z.infer<typeof AnyEnvelope>;

export type EnvelopeCheck = { ok: true; envelope: AnyEnvelope } | { ok: false; reasons: string[] };

/** Parses and validates one message value: JSON, envelope, then the payload by its schema name and version. */
export function checkEnvelope(value: Buffer): EnvelopeCheck {
  let json: unknown;
  try {
    json = JSON.parse(value.toString('utf8'));
  } catch (e) {
    return { ok: false, reasons: [`not JSON: ${(e as Error).message}`] };
  }
  const env = AnyEnvelope.safeParse(json);
  if (!env.success) return { ok: false, reasons: issueLines(env.error, '') };
  const known = PAYLOAD_SCHEMAS[env.data.schema.name];
  if (!known) return { ok: false, reasons: [`schema.name: unknown schema "${env.data.schema.name}"`] };
  if (known.version !== env.data.schema.version)
    return {
      ok: false,
      reasons: [
        `schema.version: ${env.data.schema.name} v${env.data.schema.version} is not supported (v${known.version} is)`,
      ],
    };
  if (known.exact) {
    // Same verdict as the zod schema (all numeric bounds), at a fraction of the cost: this runs per message.
    const reasons = known.exact(env.data.payload);
    return reasons ? { ok: false, reasons: reasons.map((r) => `payload.${r}`) } : { ok: true, envelope: env.data };
  }
  const payload = known.schema.safeParse(env.data.payload);
  if (!payload.success) return { ok: false, reasons: issueLines(payload.error, '', 'payload.') };
  return { ok: true, envelope: { ...env.data, payload: payload.data as Record<string, unknown> } };
}
