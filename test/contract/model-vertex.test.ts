// The Vertex AI model endpoint through the official client (REST fallback) against a local server: real requests, answers, timeout.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fakeAuth } from '../helpers/fake-auth.ts';
import { VertexModelEndpoint } from '../../shared/model/vertex/vertex.ts';
import type { ModelManifest } from '../../shared/schema/model-manifest.ts';
import { startFakeVertex, type FakeVertex } from '../helpers/fake-vertex.ts';

let fake: FakeVertex;
beforeAll(async () => {
  fake = await startFakeVertex();
});
afterAll(async () => {
  await fake.close();
});

const manifest = {
  version: 'v7',
  threshold: 0.5,
  feature_spec: { name: 'kaggle', version: 1, names: ['a', 'b', 'c'] },
} as unknown as ModelManifest;

function endpoint(timeoutMs = 2000, current: () => ModelManifest = () => manifest): VertexModelEndpoint {
  return new VertexModelEndpoint({
    project: 'proj',
    location: 'europe-west1',
    endpointId: '123',
    manifest: async () => current(),
    timeoutMs,
    apiEndpoint: '127.0.0.1',
    port: fake.port,
    authClient: fakeAuth('proj'),
  });
}

describe('Vertex AI model endpoint', () => {
  it('sends the feature rows as instances to the endpoint and reads the probabilities back', async () => {
    const p = await endpoint().predict(Float32Array.from([2, 0, 0, -1, 5, 5]), 3);
    expect(fake.requests.at(-1)).toEqual({
      path: '/v1/projects/proj/locations/europe-west1/endpoints/123:predict',
      body: expect.objectContaining({
        instances: [
          { a: 2, b: 0, c: 0 },
          { a: -1, b: 5, c: 5 },
        ],
      }),
    });
    expect(p.scores[0]).toBeCloseTo(1 / (1 + Math.exp(-2)), 6);
    expect(p.scores[1]).toBeCloseTo(1 / (1 + Math.exp(1)), 6);
    expect(p.manifest.version).toBe('v7');
  });

  it('fails with a typed timeout when the endpoint is too slow, so the scorer can apply its fallback', async () => {
    fake.delayMs = 1500;
    try {
      await expect(endpoint(300).predict(Float32Array.from([1, 2, 3]), 3)).rejects.toMatchObject({ code: 'TIMEOUT' });
    } finally {
      fake.delayMs = 0;
    }
  });

  it('pins the manifest it read for a whole scoring: a champion changed meanwhile names neither the features nor the version', async () => {
    let now = manifest;
    const e = endpoint(2000, () => now);
    const held = await e.hold();
    now = {
      ...manifest,
      version: 'v8',
      feature_spec: { name: 'kaggle', version: 1, names: ['x', 'y'] },
    } as ModelManifest;
    const p = await held.predict(Float32Array.from([2, 0, 0]), 3);
    expect(fake.requests.at(-1)?.body).toEqual(expect.objectContaining({ instances: [{ a: 2, b: 0, c: 0 }] }));
    expect([p.manifest.version, (await held.manifest()).version, (await e.manifest()).version]).toEqual([
      'v7',
      'v7',
      'v8',
    ]);
    held.release();
  });
});
