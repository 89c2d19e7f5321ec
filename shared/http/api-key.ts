// The API key check of an HTTP edge: `x-api-key: <key>` or `Authorization: Bearer <key>`, compared as fixed-length digests.
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';

/** True when the request presents the expected key. */
export type KeyCheck = (headers: IncomingHttpHeaders) => boolean;

/**
 * The key a request presents, or undefined. `x-api-key` wins: on Cloud Run an IAM-authenticated caller's
 * `Authorization` carries its Google ID token, so the API key travels beside it. A repeated header presents nothing.
 */
export function presentedKey(headers: IncomingHttpHeaders): string | undefined {
  const x = headers['x-api-key'];
  if (x !== undefined) return typeof x === 'string' && x.length > 0 ? x : undefined;
  const auth = headers.authorization;
  if (typeof auth !== 'string') return undefined;
  // RFC 6750: the scheme is case-insensitive; a bare `Authorization: <key>` is refused.
  const m = /^Bearer +([^\s]+) *$/i.exec(auth);
  return m ? m[1] : undefined;
}

/**
 * Compares HMAC-SHA-256 digests (a key random per process) with timingSafeEqual: both sides are 32 bytes whatever
 * the lengths of the keys, so neither the comparison's time nor its early exit tells the expected key's length.
 */
export function apiKeyCheck(expected: string): KeyCheck {
  const secret = randomBytes(32);
  const digest = (s: string): Buffer => createHmac('sha256', secret).update(s, 'utf8').digest();
  const want = digest(expected);
  return (headers) => {
    const given = presentedKey(headers);
    const same = timingSafeEqual(digest(given ?? ''), want);
    return given !== undefined && same;
  };
}
