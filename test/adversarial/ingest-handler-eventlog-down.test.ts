// With the event log down, the ingest handler answers 5xx (a retry can fix it), never a 4xx that would drop the upload.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../helpers/tmp.ts';
import { serveFunction, type Served } from '../helpers/serve-function.ts';
import { kaggleHeader, kaggleRow } from '../helpers/rows.ts';

const dir = tempDir('fraudflow-down-');
let served: Served | undefined;

beforeAll(async () => {
  process.env.FRAUDFLOW_DATA_DIR = dir.path;
  process.env.FRAUDFLOW_INGEST_WORKERS = '0';
  // Nothing listens there: every produce fails with the broker unreachable.
  process.env.KAFKA_BROKERS = '127.0.0.1:1';
  process.env.KAFKA_PRODUCE_RETRY_MS = '500';
  mkdirSync(join(dir.path, 'uploads'), { recursive: true });
  writeFileSync(join(dir.path, 'uploads', 'day.csv'), `${kaggleHeader}\n${kaggleRow(1)}\n`);
  await import('../../functions/ingest/index.ts');
  served = await serveFunction('ingest');
});

afterAll(async () => {
  await served?.stop().catch(() => undefined);
  dir.cleanup();
});

describe('ingest handler with the event log down', () => {
  it('answers 503 and says a retry can succeed', async () => {
    const res = await fetch(served!.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'ce-specversion': '1.0',
        'ce-type': 'google.cloud.storage.object.v1.finalized',
        'ce-source': '//storage.googleapis.com/projects/_/buckets/local-uploads',
        'ce-id': 'down-1',
      },
      body: JSON.stringify({ bucket: 'local-uploads', name: 'day.csv' }),
    });
    const body = (await res.json()) as { code: string; retriable: boolean; error: string };
    expect(res.status).toBe(503);
    expect(body).toMatchObject({ code: 'EVENTLOG_UNAVAILABLE', retriable: true });
    expect(JSON.stringify(body)).not.toContain(dir.path);
  });
});
