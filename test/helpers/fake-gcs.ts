// A local HTTP server answering the Cloud Storage JSON API calls fraudflow makes (upload, metadata, list, download), recording requests.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createHash } from 'node:crypto';

export interface FakeGcs {
  readonly url: string;
  readonly objects: Map<string, Buffer>;
  readonly requests: Array<{ method: string; path: string; query: string }>;
  close(): Promise<void>;
}

const notFound = (what: string) => ({
  error: {
    code: 404,
    message: `No such object: ${what}`,
    errors: [{ reason: 'notFound', message: `No such object: ${what}` }],
  },
});

export async function startFakeGcs(bucket: string): Promise<FakeGcs> {
  const objects = new Map<string, Buffer>();
  const requests: FakeGcs['requests'] = [];
  const meta = (name: string, data: Buffer) => ({
    kind: 'storage#object',
    bucket,
    name,
    size: String(data.length),
    updated: '2026-11-25T10:00:00.000Z',
    contentType: 'application/octet-stream',
    md5Hash: createHash('md5').update(data).digest('base64'),
    generation: '1',
  });
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (d: Buffer) => chunks.push(d));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://x');
      requests.push({ method: req.method ?? '', path: url.pathname, query: url.search });
      const send = (status: number, body: unknown, raw?: Buffer) => {
        res.writeHead(status, { 'content-type': raw ? 'application/octet-stream' : 'application/json' });
        res.end(raw ?? JSON.stringify(body));
      };
      const base = `/storage/v1/b/${bucket}/o`;
      if (req.method === 'POST' && url.pathname === `/upload${base}`) {
        // multipart/related: the metadata part, then the media part.
        const boundary = /boundary=([^;]+)/.exec(req.headers['content-type'] ?? '')![1]!;
        const body = Buffer.concat(chunks);
        const parts = body.toString('latin1').split(`--${boundary}`).slice(1, -1);
        const media = parts[1]!;
        const start = media.indexOf('\r\n\r\n') + 4;
        const data = Buffer.from(media.slice(start, media.length - 2), 'latin1');
        const name = url.searchParams.get('name')!;
        objects.set(name, data);
        return send(200, meta(name, data));
      }
      if (req.method === 'GET' && url.pathname === base) {
        const prefix = url.searchParams.get('prefix') ?? '';
        return send(200, {
          kind: 'storage#objects',
          items: [...objects.entries()]
            .filter(([k]) => k.startsWith(prefix))
            .sort()
            .map(([k, v]) => meta(k, v)),
        });
      }
      if (req.method === 'GET' && url.pathname.startsWith(`${base}/`)) {
        const name = decodeURIComponent(url.pathname.slice(base.length + 1));
        const data = objects.get(name);
        if (!data) return send(404, notFound(name));
        return url.searchParams.get('alt') === 'media' ? send(200, null, data) : send(200, meta(name, data));
      }
      send(404, notFound(url.pathname));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    objects,
    requests,
    close: () => new Promise((r) => server.close(() => r())),
  };
}
