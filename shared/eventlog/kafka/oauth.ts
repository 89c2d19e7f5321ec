// SASL/OAUTHBEARER tokens for kafkajs: reused until near expiry, then refreshed; Google Managed Kafka's token format.
import { gcpMetadata } from 'google-auth-library';
import { z } from 'zod';
import { FraudflowError } from '../../errors.ts';

/** A token as a broker receives it, with the instant (ms since the epoch) after which the broker refuses it. */
export interface BearerToken {
  readonly value: string;
  readonly expiresAtMs: number;
}

/** What kafkajs calls on every SASL handshake and re-authentication (`sasl.oauthBearerProvider`). */
export type OAuthBearerProvider = () => Promise<{ value: string }>;

export interface OAuthBearerProviderOptions {
  /** Gets a new token (from the metadata server, an identity provider, ...). */
  readonly fetch: () => Promise<BearerToken>;
  /** The clock; tests pass their own. */
  readonly now?: () => number;
  /** Share of a token's remaining life after which a new one is fetched (Kafka's sasl.login.refresh.window.factor). */
  readonly refreshFactor?: number;
  /** A token with less life left than this is never handed out (and is refreshed before it gets there). */
  readonly minRemainingMs?: number;
  /** A refresh failed while the current token was still good: it is used, and this is told why. */
  readonly onRefreshFailed?: (error: unknown) => void;
}

/**
 * The broker ends a session when its token expires, and kafkajs re-authenticates a connection 10 s before that, asking
 * for a token again: it must get a new one then, not the old one with seconds left (the broker refuses a second
 * re-authentication within 1 s, ILLEGAL_SASL_STATE). So a token is refreshed, and never handed out, in its last 30 s.
 */
const MIN_REMAINING_MS = 30_000;

/**
 * Hands every connection the same token until `refreshFactor` of its life (counted from when it was fetched) has
 * passed, or it nears its last `minRemainingMs`, then fetches a new one: concurrent handshakes share one fetch, and a
 * failed refresh keeps the old token while it has that much life left.
 */
export function oauthBearerProvider(options: OAuthBearerProviderOptions): OAuthBearerProvider {
  const now = options.now ?? Date.now;
  const factor = options.refreshFactor ?? 0.8;
  const minRemainingMs = options.minRemainingMs ?? MIN_REMAINING_MS;
  let current: { token: BearerToken; refreshAtMs: number } | undefined;
  let pending: Promise<BearerToken> | undefined;
  const refresh = () =>
    (pending ??= (async () => {
      try {
        const token = await options.fetch();
        const fetchedAt = now();
        const life = token.expiresAtMs - fetchedAt;
        if (life < minRemainingMs)
          throw new FraudflowError('EVENTLOG_UNAVAILABLE', 'kafka: the new OAUTHBEARER token is already expiring', {
            expiresAt: new Date(token.expiresAtMs).toISOString(),
          });
        current = { token, refreshAtMs: fetchedAt + Math.min(life * factor, life - minRemainingMs) };
        return token;
      } finally {
        pending = undefined;
      }
    })());
  return async () => {
    const t = now();
    if (current && t < current.refreshAtMs) return { value: current.token.value };
    try {
      return { value: (await refresh()).value };
    } catch (e) {
      if (current && current.token.expiresAtMs - now() >= minRemainingMs) {
        options.onRefreshFailed?.(e);
        return { value: current.token.value };
      }
      throw e;
    }
  };
}

/** Where a Google access token and the account it belongs to come from. */
export interface GoogleTokenSource {
  accessToken(): Promise<{ accessToken: string; expiresInSeconds: number }>;
  serviceAccountEmail(): Promise<string>;
}

const MetadataToken = z.object({
  access_token: z.string().min(1),
  expires_in: z.number().int().positive(),
  token_type: z.string().optional(),
});

/**
 * The function's own service account, through the metadata server (google-auth-library's client for it, which honours
 * GCE_METADATA_HOST): no key file, no secret.
 */
export const metadataServerTokenSource: GoogleTokenSource = {
  async accessToken() {
    const raw: unknown = await metadataCall('token', () => gcpMetadata.instance('service-accounts/default/token'));
    const parsed = MetadataToken.safeParse(raw);
    if (!parsed.success)
      throw new FraudflowError('EVENTLOG_UNAVAILABLE', 'kafka: the metadata server answered no access token', {
        issues: parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`),
      });
    return { accessToken: parsed.data.access_token, expiresInSeconds: parsed.data.expires_in };
  },
  async serviceAccountEmail() {
    const raw: unknown = await metadataCall('email', () => gcpMetadata.instance('service-accounts/default/email'));
    const email = z
      .string()
      .regex(/^[^@\s]+@[^@\s]+$/)
      .safeParse(raw);
    if (!email.success)
      throw new FraudflowError('EVENTLOG_UNAVAILABLE', 'kafka: the metadata server answered no service-account email');
    return email.data;
  },
};

async function metadataCall<T>(what: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (e) {
    const status = (e as { status?: unknown; response?: { status?: unknown } }).response?.status;
    throw new FraudflowError(
      'EVENTLOG_UNAVAILABLE',
      `kafka: cannot get the service account's ${what} from the metadata server${typeof status === 'number' ? ` (HTTP ${status})` : ''}`,
      { metadataKey: `service-accounts/default/${what}` },
      { cause: e },
    );
  }
}

const b64url = (s: string) => Buffer.from(s, 'utf8').toString('base64url');

/**
 * Google Managed Service for Apache Kafka's OAUTHBEARER token: a JWT-shaped string whose header is
 * {"typ":"JWT","alg":"GOOG_OAUTH2_TOKEN"}, whose claims name the service account (sub) and the access token's expiry,
 * and whose third part is the OAuth2 access token itself, as Google's Kafka login handler and credentials server build it.
 */
export function managedKafkaToken(accessToken: string, email: string, expiresAtMs: number, nowMs: number): string {
  const header = { typ: 'JWT', alg: 'GOOG_OAUTH2_TOKEN' };
  const claims = {
    exp: Math.floor(expiresAtMs / 1000),
    iat: Math.floor(nowMs / 1000),
    iss: 'Google',
    scope: 'kafka',
    sub: email,
  };
  return [b64url(JSON.stringify(header)), b64url(JSON.stringify(claims)), b64url(accessToken)].join('.');
}

export interface ManagedKafkaProviderOptions {
  readonly source?: GoogleTokenSource;
  readonly now?: () => number;
  readonly onRefreshFailed?: (error: unknown) => void;
}

/** The provider for Google Managed Kafka: the service account's access token, re-fetched before it expires. */
export function managedKafkaOAuthBearer(options: ManagedKafkaProviderOptions = {}): OAuthBearerProvider {
  const source = options.source ?? metadataServerTokenSource;
  const now = options.now ?? Date.now;
  let email: Promise<string> | undefined;
  return oauthBearerProvider({
    now,
    ...(options.onRefreshFailed ? { onRefreshFailed: options.onRefreshFailed } : {}),
    fetch: async () => {
      // The account does not change for the life of an instance; a failed look-up is tried again next time.
      const account = await (email ??= source.serviceAccountEmail().catch((e: unknown) => {
        email = undefined;
        throw e;
      }));
      const { accessToken, expiresInSeconds } = await source.accessToken();
      const t = now();
      const expiresAtMs = t + expiresInSeconds * 1000;
      return { value: managedKafkaToken(accessToken, account, expiresAtMs, t), expiresAtMs };
    },
  });
}
