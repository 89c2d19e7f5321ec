// The ingest function as Eventarc calls it: a Cloud Storage "object finalized" CloudEvent over real HTTP.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../helpers/tmp.ts';
import { serveFunction, type Served } from '../helpers/serve-function.ts';
import { kaggleHeader, kaggleRow } from '../helpers/rows.ts';

const dir = tempDir('fraudflow-ce-');
let served: Served | undefined;
let url: string;

beforeAll(async () => {
  process.env.FRAUDFLOW_DATA_DIR = dir.path;
  process.env.FRAUDFLOW_INGEST_WORKERS = '0';
  mkdirSync(join(dir.path, 'uploads', 'incoming'), { recursive: true });
  writeFileSync(
    join(dir.path, 'uploads', 'incoming', 'day1.csv'),
    [kaggleHeader, kaggleRow(1), kaggleRow(2), 'bad,row'].join('\n') + '\n',
  );
  await import('../../functions/ingest/index.ts'); // registers the function with the framework
  served = await serveFunction('ingest');
  url = served.url;
});

afterAll(async () => {
  await served?.stop();
  dir.cleanup();
});

function storageEvent(name: string, id: string): RequestInit {
  return {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'ce-specversion': '1.0',
      'ce-type': 'google.cloud.storage.object.v1.finalized',
      'ce-source': '//storage.googleapis.com/projects/_/buckets/fraudflow-uploads',
      'ce-subject': `objects/${name}`,
      'ce-id': id,
      'ce-time': new Date().toISOString(),
    },
    body: JSON.stringify({ bucket: 'fraudflow-uploads', name, size: '123', contentType: 'text/csv' }),
  };
}

describe('ingest CloudEvent handler', () => {
  it('ingests the finalized object into transactions and its bad rows into the dead-letter topic', async () => {
    const res = await fetch(url, storageEvent('incoming/day1.csv', 'evt-1'));
    expect(res.status).toBeLessThan(300);
    const { processRuntime } = await import('../../shared/runtime.ts');
    const topics = await (await processRuntime().eventLog()).listTopics();
    const count = (name: string) =>
      topics.find((t) => t.name === name)!.partitions.reduce((n, p) => n + p.highWatermark, 0);
    expect(count('transactions')).toBe(2);
    expect(count('transactions.dlq')).toBe(1);
  });

  it('answers an error status for an object that does not exist, so Eventarc retries or dead-letters it', async () => {
    const res = await fetch(url, storageEvent('incoming/missing.csv', 'evt-2'));
    expect(res.status).toBeGreaterThanOrEqual(400);
  });

  it('answers an error status for an event that is not a storage object', async () => {
    const bad = storageEvent('x', 'evt-3');
    const res = await fetch(url, { ...bad, body: JSON.stringify({ hello: 'world' }) });
    expect(res.status).toBeGreaterThanOrEqual(400);
  });
});
