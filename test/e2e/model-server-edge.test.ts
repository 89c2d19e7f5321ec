// The serving container's HTTP behaviour over real HTTP: it listens before the model is loaded (health 503, predict
// refused before its body is read), answers 200 once loaded, and predict has the edge's guards.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tfReady } from '../../shared/model/tf-backend.ts';
import { loadedModel } from '../../shared/model/scorer.ts';
import type { LoadedModel } from '../../shared/model/port.ts';
import { createLogger } from '../../shared/logger.ts';
import { startModelServer, type ModelServer } from '../../functions/model-server/start.ts';
import { tinyManifest, tinyModel } from '../helpers/model.ts';
import { chunkedUpload, slowBody } from '../helpers/raw-http.ts';

let server: ModelServer;
let base: string;
let release!: (m: LoadedModel) => void;
const logs: string[] = [];
const MB = 1 << 20;

beforeAll(async () => {
  await tfReady();
  // The load waits until the test releases it: a slow Cloud Storage download, through the loader option.
  const gate = new Promise<LoadedModel>((resolve) => (release = resolve));
  server = await startModelServer({
    port: 0,
    host: '127.0.0.1',
    predictRoute: '/v1/models/m:predict',
    healthRoute: '/healthz',
    maxBodyBytes: 64 * 1024,
    maxInstances: 100,
    logger: createLogger({ write: (l) => logs.push(l) }),
    load: () => gate,
  });
  base = `http://127.0.0.1:${server.port}`;
});

afterAll(() => server.close());

const predict = (body: string, headers: Record<string, string> = { 'content-type': 'application/json' }) =>
  fetch(`${base}/v1/models/m:predict`, { method: 'POST', headers, body });

describe('model server health and guards', () => {
  it('answers the health route 503 while the model loads, and refuses predict with 503 before reading it', async () => {
    const health = await fetch(`${base}/healthz`);
    expect(health.status).toBe(503);
    expect(await health.json()).toMatchObject({ status: 'loading' });
    const early = await predict(JSON.stringify({ instances: [[1, 2, 3]] }));
    expect(early.status).toBe(503);
    expect(await early.json()).toMatchObject({ code: 'MODEL_UNAVAILABLE' });
  });

  it('answers 200 with the version once the model is loaded', async () => {
    release(loadedModel(tinyModel([1, 0, 0]), tinyManifest('v7')));
    await server.loaded;
    const health = await fetch(`${base}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: 'ok', version: 'v7' });
    const ok = await predict(JSON.stringify({ instances: [[0, 0, 0]] }));
    expect(ok.status).toBe(200);
    expect(await ok.json()).toMatchObject({ predictions: [0.5], model_version: 'v7' });
  });

  it('refuses non-JSON content types with 415 and malformed JSON with a JSON 400', async () => {
    for (const type of ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=z'])
      expect((await predict('{"instances":[[0,0,0]]}', { 'content-type': type })).status, type).toBe(415);
    const bad = await predict('{"instances": [[0,0,', { 'content-type': 'application/json; charset=utf-8' });
    expect(bad.status).toBe(400);
    const body = await bad.text();
    expect(body).not.toMatch(/\bat .*:\d+|\/work\/|node_modules/);
    expect(JSON.parse(body)).toMatchObject({ code: 'INPUT_INVALID' });
  });

  it('refuses a declared 100 MB body at once and a chunked one past 64 KiB with 413', async () => {
    const declared = await slowBody(
      server.port,
      `POST /v1/models/m:predict HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ncontent-length: ${100 * MB}`,
      Buffer.alloc(1024, 0x20),
      20,
    );
    expect(declared.status).toBe(413);
    expect(declared.ms).toBeLessThan(2000);
    const chunked = await chunkedUpload(`${base}/v1/models/m:predict`, { 'content-type': 'application/json' }, 50 * MB);
    expect(chunked.status).toBe(413);
    expect(chunked.written).toBeLessThan(16 * MB);
  });

  it('answers 405 to GET on predict and POST on health, 404 elsewhere, all JSON', async () => {
    const get = await fetch(`${base}/v1/models/m:predict`);
    expect(get.status).toBe(405);
    expect(get.headers.get('allow')).toBe('POST');
    const postHealth = await fetch(`${base}/healthz`, { method: 'POST', body: '{}' });
    expect(postHealth.status).toBe(405);
    const other = await fetch(`${base}/elsewhere`);
    expect(other.status).toBe(404);
    expect(await other.json()).toMatchObject({ code: 'NOT_FOUND' });
  });
});
