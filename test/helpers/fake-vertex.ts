// A local HTTP server answering Vertex AI's REST predict call as Vertex does, recording requests; it can be made slow.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeVertex {
  readonly port: number;
  readonly requests: Array<{ path: string; body: { instances: Array<Record<string, number>> } }>;
  /** Milliseconds to wait before answering: to test timeouts. */
  delayMs: number;
  close(): Promise<void>;
}

/** Scores each instance (an object of named features) as the logistic of its first feature: easy to check. */
export async function startFakeVertex(): Promise<FakeVertex> {
  const fake = { requests: [] as FakeVertex['requests'], delayMs: 0 } as FakeVertex & {
    requests: FakeVertex['requests'];
  };
  const server: Server = createServer((req, res) => {
    let raw = '';
    req.on('data', (d: Buffer) => (raw += d.toString()));
    req.on('end', () => {
      const path = (req.url ?? '').split('?')[0]!;
      const body = JSON.parse(raw || '{}') as { instances: Array<Record<string, number>> };
      fake.requests.push({ path, body });
      const answer = () => {
        if (!/^\/v1\/projects\/[^/]+\/locations\/[^/]+\/endpoints\/[^/:]+:predict$/.test(path)) {
          res.writeHead(404, { 'content-type': 'application/json' });
          return res.end(JSON.stringify({ error: { code: 404, message: `not found: ${path}`, status: 'NOT_FOUND' } }));
        }
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(
          JSON.stringify({
            predictions: body.instances.map((x) => [1 / (1 + Math.exp(-Object.values(x)[0]!))]),
            deployedModelId: '42',
            model: 'projects/p/locations/l/models/m',
            modelVersionId: '1',
          }),
        );
      };
      if (fake.delayMs > 0) setTimeout(answer, fake.delayMs);
      else answer();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  Object.assign(fake, {
    port: (server.address() as AddressInfo).port,
    close: () => new Promise<void>((r) => server.close(() => r())),
  });
  return fake;
}
