// Google Managed Kafka's OAUTHBEARER tokens, built from a local server speaking the metadata server's protocol.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { FraudflowError } from '../../shared/errors.ts';
import { managedKafkaOAuthBearer } from '../../shared/eventlog/kafka/oauth.ts';
import { startFakeMetadataServer, type FakeMetadataServer } from '../helpers/fake-metadata-server.ts';

const EMAIL = 'fraudflow-fn@demo-project.iam.gserviceaccount.com';

function decode(token: string): { header: unknown; claims: Record<string, unknown>; accessToken: string } {
  const parts = token.split('.');
  expect(parts).toHaveLength(3);
  const text = (p: string) => Buffer.from(p, 'base64url').toString('utf8');
  // base64url without padding, as a JWT is written
  for (const p of parts) expect(p).toMatch(/^[A-Za-z0-9_-]+$/);
  return { header: JSON.parse(text(parts[0]!)), claims: JSON.parse(text(parts[1]!)), accessToken: text(parts[2]!) };
}

describe('Google Managed Kafka OAUTHBEARER token provider (fake metadata server)', () => {
  let meta: FakeMetadataServer;
  beforeAll(async () => {
    meta = await startFakeMetadataServer(EMAIL);
    // google-auth-library's metadata client goes here instead of metadata.google.internal.
    vi.stubEnv('GCE_METADATA_HOST', meta.host);
  });
  afterAll(async () => {
    vi.unstubAllEnvs();
    await meta?.close();
  });

  it("hands kafkajs Google's token format: a JWT-shaped header and claims naming the service account, the access token as third part", async () => {
    meta.expiresIn = 3599;
    const now = 1_800_000_000_000;
    const provider = managedKafkaOAuthBearer({ now: () => now });
    const { value } = await provider();
    const { header, claims, accessToken } = decode(value);
    expect(header).toEqual({ typ: 'JWT', alg: 'GOOG_OAUTH2_TOKEN' });
    expect(claims).toEqual({
      exp: 1_800_000_000 + 3599,
      iat: 1_800_000_000,
      iss: 'Google',
      scope: 'kafka',
      sub: EMAIL,
    });
    expect(accessToken).toBe(meta.issued.at(-1));
    // The metadata server's own protocol: the default service account's token and email, each with the flavor header.
    const paths = meta.requests.map((r) => r.path.split('?')[0]);
    expect(paths).toContain('/computeMetadata/v1/instance/service-accounts/default/token');
    expect(paths).toContain('/computeMetadata/v1/instance/service-accounts/default/email');
    expect(meta.requests.every((r) => r.flavor === 'Google')).toBe(true);
  });

  it('reuses one token until 80% of its life has passed, then fetches a new one before it expires', async () => {
    meta.expiresIn = 300;
    let now = 1_800_000_000_000;
    const provider = managedKafkaOAuthBearer({ now: () => now });
    const before = meta.issued.length;
    const first = decode((await provider()).value);
    now += 239_000;
    expect(decode((await provider()).value).accessToken).toBe(first.accessToken);
    expect(meta.issued.length).toBe(before + 1);
    now += 1_000; // 240 s of 300: refresh, 60 s before the old token would expire
    const second = decode((await provider()).value);
    expect(second.accessToken).not.toBe(first.accessToken);
    expect(second.accessToken).toBe(meta.issued.at(-1));
    expect(meta.issued.length).toBe(before + 2);
    expect(second.claims.exp).toBe(Math.floor(now / 1000) + 300);
    expect(Number(first.claims.exp) * 1000).toBeGreaterThan(now);
  });

  it('lets concurrent handshakes share one metadata request, and asks for the email only once', async () => {
    meta.expiresIn = 3599;
    const provider = managedKafkaOAuthBearer();
    const tokensBefore = meta.issued.length;
    const emailsBefore = meta.requests.filter((r) => r.path.endsWith('/email')).length;
    const values = await Promise.all(Array.from({ length: 8 }, () => provider()));
    expect(new Set(values.map((v) => v.value)).size).toBe(1);
    expect(meta.issued.length).toBe(tokensBefore + 1);
    expect(meta.requests.filter((r) => r.path.endsWith('/email')).length).toBe(emailsBefore + 1);
  });

  it('refreshes a short-lived token 30 s before it expires, so a re-authenticating connection gets a new one', async () => {
    meta.expiresIn = 100; // 80% would leave 20 s: too close to the broker's end of the session
    let now = 1_800_000_000_000;
    const provider = managedKafkaOAuthBearer({ now: () => now });
    const first = decode((await provider()).value).accessToken;
    now += 69_000;
    expect(decode((await provider()).value).accessToken).toBe(first);
    now += 1_000;
    expect(decode((await provider()).value).accessToken).not.toBe(first);
  });

  it('keeps the current token while it has 30 s left if a refresh fails, then fails with a retriable error naming the metadata server', async () => {
    meta.expiresIn = 300;
    let now = 1_800_000_000_000;
    const failures: unknown[] = [];
    const provider = managedKafkaOAuthBearer({ now: () => now, onRefreshFailed: (e) => failures.push(e) });
    const first = (await provider()).value;
    meta.failTokens(403, 100); // the service account lost its scope: every retry of the library fails
    now += 250_000;
    expect((await provider()).value).toBe(first);
    expect(failures).toHaveLength(1);
    now += 21_000; // 29 s left: too close to expiry to hand out
    const err = await provider().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(FraudflowError);
    expect((err as FraudflowError).code).toBe('EVENTLOG_UNAVAILABLE');
    expect((err as FraudflowError).retriable).toBe(true);
    expect((err as Error).message).toMatch(/metadata server \(HTTP 403\)/);
    meta.failTokens(403, 0);
    const next = decode((await provider()).value);
    expect(next.accessToken).toBe(meta.issued.at(-1));
  });
});
