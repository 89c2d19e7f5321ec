// A request body as JSON (or a form): strict UTF-8, then parsed; a malformed body is a JSON 400 that does not echo it.
import { refusal, type HttpAnswer } from './answer.ts';
import { mediaTypeOf } from './content-type.ts';

const utf8 = new TextDecoder('utf-8', { fatal: true });

export type JsonBody = { ok: true; json: unknown } | { ok: false; answer: HttpAnswer };

export function parseJsonBody(raw: Buffer): JsonBody {
  if (raw.length === 0) return { ok: false, answer: refusal('INPUT_INVALID', 'the body is empty; send JSON') };
  let text: string;
  try {
    text = utf8.decode(raw);
  } catch {
    return { ok: false, answer: refusal('INPUT_INVALID', 'the body is not valid UTF-8') };
  }
  try {
    return { ok: true, json: JSON.parse(text) };
  } catch (e) {
    // V8's message quotes the body; only the position is kept.
    const at = /position (\d+)/.exec((e as Error).message)?.[1];
    return {
      ok: false,
      answer: refusal('INPUT_INVALID', `the body is not valid JSON${at === undefined ? '' : ` (at character ${at})`}`),
    };
  }
}

/** A form's fields (application/x-www-form-urlencoded): a field sent once is a string, a repeated one an array. */
export function parseFormBody(raw: Buffer): JsonBody {
  let text: string;
  try {
    text = utf8.decode(raw);
  } catch {
    return { ok: false, answer: refusal('INPUT_INVALID', 'the body is not valid UTF-8') };
  }
  const fields: Record<string, string | string[]> = {};
  for (const [k, v] of new URLSearchParams(text)) {
    const seen = fields[k];
    fields[k] = seen === undefined ? v : Array.isArray(seen) ? [...seen, v] : [seen, v];
  }
  return { ok: true, json: fields };
}

/** The body by its (already accepted) content type: a form, or JSON. */
export function parseBody(raw: Buffer, contentType: string | undefined): JsonBody {
  return mediaTypeOf(contentType)?.type === 'application/x-www-form-urlencoded'
    ? parseFormBody(raw)
    : parseJsonBody(raw);
}
