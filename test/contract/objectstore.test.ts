// The object-store contract, against a local folder and against Cloud Storage through the official client and a local JSON-API server.
import { join } from 'node:path';
import { fakeAuth } from '../helpers/fake-auth.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalObjectStore } from '../../shared/objectstore/local/local.ts';
import { GcsObjectStore } from '../../shared/objectstore/gcs/gcs.ts';
import type { ObjectStore } from '../../shared/objectstore/port.ts';
import { tempDir } from '../helpers/tmp.ts';
import { startFakeGcs, type FakeGcs } from '../helpers/fake-gcs.ts';

const dir = tempDir('fraudflow-objects-');
let fake: FakeGcs;
beforeAll(async () => {
  fake = await startFakeGcs('models-bucket');
});
afterAll(async () => {
  await fake.close();
  dir.cleanup();
});

const targets: Array<[string, () => ObjectStore]> = [
  ['local folder', () => new LocalObjectStore(join(dir.path, 'store'))],
  [
    'cloud storage',
    () =>
      new GcsObjectStore({
        bucket: 'models-bucket',
        prefix: 'fraudflow/',
        projectId: 'p',
        apiEndpoint: fake.url,
        authClient: fakeAuth('p'),
      }),
  ],
];

describe.each(targets)('object store contract: %s', (_name, make) => {
  it('writes, reads back whole and streamed, lists by prefix, and says what does not exist', async () => {
    const store = make();
    const blob = Buffer.from(Array.from({ length: 100_000 }, (_, i) => i % 251));
    await store.write('versions/v1/weights.bin', blob);
    await store.write('versions/v1/manifest.json', '{"a":1}');
    await store.write('champion.json', '{"version":"v1"}');
    expect(await store.readAll('versions/v1/weights.bin')).toEqual(blob);
    const streamed: Buffer[] = [];
    for await (const c of await store.read('versions/v1/manifest.json')) streamed.push(c);
    expect(Buffer.concat(streamed).toString()).toBe('{"a":1}');
    expect((await store.list('versions/')).map((o) => [o.key, o.size])).toEqual([
      ['versions/v1/manifest.json', 7],
      ['versions/v1/weights.bin', 100_000],
    ]);
    expect(await store.exists('champion.json')).toBe(true);
    expect(await store.exists('nope.json')).toBe(false);
    await expect(store.readAll('nope.json')).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });
});

describe('cloud storage requests', () => {
  it('uploads in one multipart request under the prefix', () => {
    const uploads = fake.requests.filter((r) => r.method === 'POST');
    expect(uploads.map((r) => new URLSearchParams(r.query).get('uploadType'))).toEqual([
      'multipart',
      'multipart',
      'multipart',
    ]);
    expect([...fake.objects.keys()].sort()).toEqual([
      'fraudflow/champion.json',
      'fraudflow/versions/v1/manifest.json',
      'fraudflow/versions/v1/weights.bin',
    ]);
  });
});
