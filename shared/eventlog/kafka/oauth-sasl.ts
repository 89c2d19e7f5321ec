// The SASL/OAUTHBEARER exchange (RFC 7628) for kafkajs, reading the broker's answer so a refused token is an auth error.
import type { Mechanism } from 'kafkajs';
import { FraudflowError } from '../../errors.ts';
import type { OAuthBearerProvider } from './oauth.ts';

const SOH = '\u0001';

/** kafkajs hands SASL bytes to and from a mechanism as Kafka BYTES: an int32 length, then the bytes. */
function sized(bytes: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeInt32BE(bytes.length);
  return Buffer.concat([length, bytes]);
}
function unsized(raw: Buffer): Buffer {
  const length = raw.length >= 4 ? raw.readInt32BE(0) : -1;
  return length > 0 ? raw.subarray(4, 4 + length) : Buffer.alloc(0);
}

/** The broker's error challenge, {"status":"invalid_token",...}: its status, or a short excerpt when it is not JSON. */
function statusOf(challenge: Buffer): string {
  const text = challenge.toString('utf8');
  try {
    const status = (JSON.parse(text) as { status?: unknown }).status;
    if (typeof status === 'string' && /^[\w.-]{1,64}$/.test(status)) return status;
  } catch {
    // not JSON: fall through
  }
  return text.replace(/[^\x20-\x7e]/g, '?').slice(0, 80);
}

/**
 * Like kafkajs's own OAUTHBEARER mechanism (same client message), except that it looks at the server's reply: empty
 * means accepted; anything else is the error challenge of a refused token. kafkajs's built-in one ignores that reply,
 * carries on with other requests, and the broker closes the connection: a refused token then looked like an outage.
 */
export function oauthBearerMechanism(provider: OAuthBearerProvider): Mechanism {
  return {
    mechanism: 'oauthbearer',
    authenticationProvider: ({ host, port, saslAuthenticate }) => ({
      async authenticate() {
        const { value } = await provider();
        // Not retriable (kafkajs retries unless told otherwise): a refused token stays refused.
        if (!value) throw new FraudflowError('EVENTLOG_FAILED', 'SASL OAUTHBEARER: the token provider gave no token');
        const first = sized(Buffer.from(`n,,${SOH}auth=Bearer ${value}${SOH}${SOH}`));
        const reply = await saslAuthenticate<Buffer>({
          request: { encode: () => first },
          response: { decode: unsized, parse: (data) => data },
        });
        if (!reply || reply.length === 0) return;
        // RFC 7628 3.2.3: the client answers an error challenge with a lone %x01; the broker then fails the exchange.
        await saslAuthenticate({ request: { encode: () => sized(Buffer.from(SOH)) } }).catch(() => undefined);
        throw new FraudflowError(
          'EVENTLOG_FAILED',
          `SASL OAUTHBEARER: broker ${host}:${port} refused the token (${statusOf(reply)})`,
          { broker: `${host}:${port}` },
        );
      },
    }),
  };
}
