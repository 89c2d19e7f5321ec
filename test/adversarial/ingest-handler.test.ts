// The ingest handler over real HTTP: 4xx for what the client must fix, bodies without file contents or server paths; the dev watcher ignores links out.
import { mkdirSync, renameSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../shared/logger.ts';
import { tempDir } from '../helpers/tmp.ts';
import { waitFor } from '../helpers/wait.ts';
import { kaggleHeader, kaggleRow } from '../helpers/rows.ts';
import type { DevRunner } from '../../cli/dev/runner.ts';

const dir = tempDir('fraudflow-handler-');
const uploads = join(dir.path, 'uploads');
const outside = join(dir.path, 'outside');
const secret = 'root:x:0:0:do-not-show';
const lines: Array<Record<string, unknown>> = [];
let dev: DevRunner;
let url: string;

beforeAll(async () => {
  process.env.FRAUDFLOW_DATA_DIR = dir.path;
  process.env.FRAUDFLOW_INGEST_WORKERS = '0';
  mkdirSync(uploads, { recursive: true });
  mkdirSync(outside, { recursive: true });
  writeFileSync(join(outside, 'passwd'), `${secret}\n`);
  writeFileSync(join(uploads, 'good.csv'), `${kaggleHeader}\n${kaggleRow(1)}\n${kaggleRow(2)}\n`);
  writeFileSync(join(uploads, 'unknown.csv'), `${secret},b\n1,2\n`);
  writeFileSync(join(uploads, 'empty.csv'), '');
  symlinkSync(join(outside, 'passwd'), join(uploads, 'link.csv'));
  const { startDev } = await import('../../cli/dev/runner.ts');
  dev = await startDev({
    uploadsDir: uploads,
    basePort: 0,
    schedules: { sink: '0 0 1 1 *', 'score-stream': '0 0 1 1 *', retrain: '0 0 1 1 *' },
    logger: createLogger({ level: 'DEBUG', write: (l) => lines.push(JSON.parse(l) as Record<string, unknown>) }),
  });
  url = dev.urls.ingest!;
});

afterAll(async () => {
  await dev?.stop();
  const { processRuntime } = await import('../../shared/runtime.ts');
  await processRuntime().close();
  dir.cleanup();
});

function event(data: unknown, mode: 'binary' | 'structured' = 'binary'): RequestInit {
  const attrs = {
    specversion: '1.0',
    type: 'google.cloud.storage.object.v1.finalized',
    source: '//storage.googleapis.com/projects/_/buckets/local-uploads',
    id: String(Math.random()),
  };
  if (mode === 'structured')
    return {
      method: 'POST',
      headers: { 'content-type': 'application/cloudevents+json' },
      body: JSON.stringify({ ...attrs, data }),
    };
  return {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...Object.fromEntries(Object.entries(attrs).map(([k, v]) => [`ce-${k}`, v])),
    },
    body: JSON.stringify(data),
  };
}

async function post(data: unknown, mode?: 'binary' | 'structured'): Promise<{ status: number; text: string }> {
  const res = await fetch(url, event(data, mode));
  return { status: res.status, text: await res.text() };
}

function clean(text: string): void {
  expect(text).not.toContain(secret);
  expect(text).not.toContain(dir.path);
  expect(text).not.toMatch(/\n\s+at /); // no stack trace
}

describe('ingest handler statuses', () => {
  it.each(['binary', 'structured'] as const)('answers 200 with counts for a good upload (%s mode)', async (mode) => {
    const r = await post({ bucket: 'local-uploads', name: 'good.csv' }, mode);
    expect(r.status).toBe(200);
    expect(JSON.parse(r.text)).toMatchObject({ accepted: 2, rejected: 0 });
  });

  it.each([
    ['a missing object', { bucket: 'local-uploads', name: 'missing.csv' }, 404, 'NOT_FOUND'],
    ['a header of no known format', { bucket: 'local-uploads', name: 'unknown.csv' }, 400, 'FORMAT_UNKNOWN'],
    ['an empty file', { bucket: 'local-uploads', name: 'empty.csv' }, 400, 'INPUT_INVALID'],
    ['a link to a file outside the folder', { bucket: 'local-uploads', name: 'link.csv' }, 400, 'INPUT_INVALID'],
    ['a name escaping the folder', { bucket: 'local-uploads', name: '../outside/passwd' }, 400, 'INPUT_INVALID'],
    ['an event that is not a storage object', { hello: 'world' }, 400, 'INPUT_INVALID'],
  ])('answers 4xx for %s, quoting no content and no path', async (_what, data, status, code) => {
    const r = await post(data);
    expect(r.status).toBe(status);
    expect(JSON.parse(r.text)).toMatchObject({ code, retriable: false });
    clean(r.text);
  });

  it('answers 4xx, never 500, for any object name a client sends', async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ minLength: 1, maxLength: 40 }), async (name) => {
        const r = await post({ bucket: 'local-uploads', name });
        expect(r.status).toBeGreaterThanOrEqual(400);
        expect(r.status).toBeLessThan(500);
        clean(r.text);
      }),
      { numRuns: 40 },
    );
  });
});

describe('dev watcher', () => {
  it('ignores a link dropped into the uploads folder that leads out of it, and still ingests real uploads', async () => {
    symlinkSync(join(outside, 'passwd'), join(uploads, 'dropped-link.csv'));
    await waitFor(
      () =>
        lines.some((l) => l.object === 'dropped-link.csv' && /link out of the uploads folder/.test(String(l.message))),
      'the watcher to refuse the link',
      10_000,
    );
    const staged = join(dir.path, 'later.csv');
    writeFileSync(staged, `${kaggleHeader}\n${kaggleRow(7)}\n`);
    renameSync(staged, join(uploads, 'later.csv'));
    await waitFor(() => lines.some((l) => l.message === 'dev: ingest done'), 'the real upload to be ingested', 10_000);
    expect(lines.some((l) => l.message === 'dev: upload finalized' && l.object === 'dropped-link.csv')).toBe(false);
    for (const l of lines) expect(JSON.stringify(l)).not.toContain(secret);
  });
});
