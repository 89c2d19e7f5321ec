// The ingest function as deployed: the finalized object is read from Cloud Storage (official client, local JSON-API server).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../helpers/tmp.ts';
import { serveFunction, type Served } from '../helpers/serve-function.ts';
import { startFakeGcs, type FakeGcs } from '../helpers/fake-gcs.ts';
import { kaggleHeader, kaggleRow } from '../helpers/rows.ts';

const dir = tempDir('fraudflow-ce-gcs-');
let fake: FakeGcs;
let served: Served | undefined;
let url: string;

beforeAll(async () => {
  fake = await startFakeGcs('uploads-bucket');
  fake.objects.set(
    'in/day2.csv',
    Buffer.from([kaggleHeader, kaggleRow(1), kaggleRow(2), kaggleRow(3), '4,nope'].join('\n') + '\n'),
  );
  Object.assign(process.env, {
    FRAUDFLOW_DATA_DIR: dir.path,
    FRAUDFLOW_INGEST_WORKERS: '0',
    UPLOADS_BUCKET: 'uploads-bucket',
    STORAGE_API_ENDPOINT: fake.url,
  });
  await import('../../functions/ingest/index.ts');
  served = await serveFunction('ingest');
  url = served.url;
});

afterAll(async () => {
  await served?.stop();
  await fake.close();
  dir.cleanup();
});

describe('ingest from Cloud Storage', () => {
  it('streams the finalized object from its bucket into the topics', async () => {
    const res = await fetch(url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'ce-specversion': '1.0',
        'ce-type': 'google.cloud.storage.object.v1.finalized',
        'ce-source': '//storage.googleapis.com/projects/_/buckets/uploads-bucket',
        'ce-id': 'e1',
        'ce-subject': 'objects/in/day2.csv',
      },
      body: JSON.stringify({ bucket: 'uploads-bucket', name: 'in/day2.csv' }),
    });
    expect(res.status).toBeLessThan(300);
    expect(
      fake.requests.some(
        (r) => r.path === '/storage/v1/b/uploads-bucket/o/in%2Fday2.csv' && r.query.includes('alt=media'),
      ),
    ).toBe(true);
    const { processRuntime } = await import('../../shared/runtime.ts');
    const topics = await (await processRuntime().eventLog()).listTopics();
    const count = (name: string) =>
      topics.find((t) => t.name === name)!.partitions.reduce((n, p) => n + p.highWatermark, 0);
    expect(count('transactions')).toBe(3);
    expect(count('transactions.dlq')).toBe(1);
  });
});
