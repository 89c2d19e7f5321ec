// A request body as JSON: strict UTF-8, then JSON.parse; a malformed body is a JSON 400 that does not echo it.
import { refusal, type HttpAnswer } from './answer.ts';

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
