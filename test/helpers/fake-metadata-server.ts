// A local HTTP server speaking the GCE metadata server's protocol for a service account's token and email.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeMetadataServer {
  /** host:port, for GCE_METADATA_HOST. */
  readonly host: string;
  /** Every request: path (with query) and its Metadata-Flavor header. */
  readonly requests: Array<{ path: string; flavor: string | undefined }>;
  /** Tokens handed out so far (access_token values). */
  readonly issued: string[];
  /** Lifetime (expires_in, seconds) of the tokens handed out from now on. */
  expiresIn: number;
  /** Answers the next `count` token requests with this HTTP status instead of a token. */
  failTokens(status: number, count: number): void;
  close(): Promise<void>;
}

const PREFIX = '/computeMetadata/v1/instance/service-accounts/default/';

export async function startFakeMetadataServer(email: string): Promise<FakeMetadataServer> {
  const requests: FakeMetadataServer['requests'] = [];
  const issued: string[] = [];
  let failures: { status: number; count: number } = { status: 500, count: 0 };
  const state = { expiresIn: 3599 };
  const send = (res: ServerResponse, status: number, type: string, body: string) => {
    // The real server marks every answer so; google-auth-library refuses answers without it.
    res.writeHead(status, { 'Metadata-Flavor': 'Google', 'Content-Type': type });
    res.end(body);
  };
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const url = req.url ?? '';
    const flavor = req.headers['metadata-flavor'] as string | undefined;
    requests.push({ path: url, flavor });
    // The real server refuses requests that do not carry the header (a guard against SSRF).
    if (flavor !== 'Google') return send(res, 403, 'text/plain', 'Missing Metadata-Flavor:Google header.');
    const path = url.split('?')[0]!;
    if (path === `${PREFIX}email`) return send(res, 200, 'application/text', email);
    if (path === `${PREFIX}token`) {
      if (failures.count > 0) {
        failures = { ...failures, count: failures.count - 1 };
        return send(res, failures.status, 'text/plain', 'unavailable');
      }
      const token = `ya29.fake-${issued.length + 1}-${Math.random().toString(36).slice(2, 10)}`;
      issued.push(token);
      const body = { access_token: token, expires_in: state.expiresIn, token_type: 'Bearer' };
      return send(res, 200, 'application/json', JSON.stringify(body));
    }
    send(res, 404, 'text/plain', 'not found');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    host: `127.0.0.1:${port}`,
    requests,
    issued,
    get expiresIn() {
      return state.expiresIn;
    },
    set expiresIn(v: number) {
      state.expiresIn = v;
    },
    failTokens(status, count) {
      failures = { status, count };
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
