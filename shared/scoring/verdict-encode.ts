// Verdicts out fast: a check that proves a plain verdict valid without zod, and one encode per verdict into one buffer.
import type { OutgoingMessage } from '../eventlog/port.ts';
import { contentId } from '../schema/formats.ts';
import { isoDateTime } from '../schema/raw.ts';
import { VERDICT_SCHEMA, VERDICTS, type Verdict } from '../schema/verdict.ts';

const KINDS: ReadonlySet<unknown> = new Set(VERDICTS);
const unit = (x: unknown): boolean => typeof x === 'number' && x >= 0 && x <= 1; // NaN fails
const id = (x: unknown): boolean => typeof x === 'string' && x.length >= 1 && x.length <= 128;

function plainReasons(r: unknown): boolean {
  if (!Array.isArray(r) || r.length > 10) return false;
  for (const c of r as unknown[]) {
    if (typeof c !== 'object' || c === null) return false;
    const { feature, contribution } = c as { feature?: unknown; contribution?: unknown };
    if (typeof feature !== 'string' || feature.length === 0 || !Number.isFinite(contribution)) return false;
  }
  return true;
}

/**
 * True only for a verdict the zod schema accepts: the plain shape scoring builds (no rules fields), each field checked
 * as the schema checks it; `scoredAt` is a time already known valid. False means "ask zod", not "invalid".
 */
export function plainlyValid(v: Verdict, scoredAt: string): boolean {
  for (const k in v) {
    switch (k) {
      case 'transaction_id':
      case 'probability':
      case 'verdict':
      case 'threshold':
      case 'model_version':
      case 'reasons':
      case 'scored_at':
        continue;
      case 'customer_id':
        if (v.customer_id === undefined || id(v.customer_id)) continue;
        return false;
      case 'fallback':
        if (v.fallback === undefined || typeof v.fallback === 'boolean') continue;
        return false;
      default:
        return false;
    }
  }
  return (
    id(v.transaction_id) &&
    unit(v.probability) &&
    KINDS.has(v.verdict) &&
    unit(v.threshold) &&
    typeof v.model_version === 'string' &&
    v.model_version.length > 0 &&
    v.scored_at === scoredAt &&
    plainReasons(v.reasons)
  );
}

let knownTime = '';
/** Whether `at` passes the verdict schema's time check (asked once per batch's time, not per verdict). */
export function validTime(at: string): boolean {
  if (at === knownTime) return true;
  if (!isoDateTime.safeParse(at).success) return false;
  knownTime = at;
  return true;
}

const SCHEMA_JSON = JSON.stringify(VERDICT_SCHEMA);

/**
 * Each verdict as its envelope, the same bytes JSON.stringify of the envelope object gives, written back to back into
 * one buffer (values are views into it); its id is fixed by the transaction, so a re-publish is dropped by the sink.
 */
export function verdictEnvelopes(verdicts: readonly Verdict[], source: string, at: string): OutgoingMessage[] {
  const head = `","schema":${SCHEMA_JSON},"source":{"file":${JSON.stringify(source)},"line":`;
  const tail = `},"ingested_at":${JSON.stringify(at)},"payload":`;
  let buf = Buffer.allocUnsafeSlow(Math.max(1024, verdicts.length * 320));
  let len = 0;
  const ends = new Uint32Array(verdicts.length);
  for (let i = 0; i < verdicts.length; i++) {
    const v = verdicts[i]!;
    const text = `{"id":"${contentId(`verdict:${v.transaction_id}`)}${head}${i + 1}${tail}${JSON.stringify(v)}}`;
    if (len + text.length * 3 > buf.length) {
      const bigger = Buffer.allocUnsafeSlow(Math.max(buf.length * 2, len + text.length * 3));
      buf.copy(bigger, 0, 0, len);
      buf = bigger;
    }
    len += buf.write(text, len);
    ends[i] = len;
  }
  return verdicts.map((v, i) => ({
    key: v.customer_id ?? v.transaction_id,
    value: buf.subarray(i === 0 ? 0 : ends[i - 1], ends[i]),
  }));
}
