// Unsigned (alg "none") JWS tokens, which only Kafka's development validator (OAuthBearerUnsecuredValidatorCallbackHandler) accepts.
const b64url = (v: unknown) => Buffer.from(JSON.stringify(v), 'utf8').toString('base64url');

/** The compact serialization with an empty signature part: header.claims. */
export function unsecuredJws(sub: string, expiresAtMs: number, nowMs = Date.now()): string {
  return `${b64url({ alg: 'none' })}.${b64url({ sub, iat: Math.floor(nowMs / 1000), exp: Math.floor(expiresAtMs / 1000) })}.`;
}
