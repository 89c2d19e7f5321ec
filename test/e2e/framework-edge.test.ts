// The deployed shape: functions-framework's own CLI (what the Cloud Run functions buildpack starts) loads the entry
// module; the edge takes over the framework's server, so express never reads a body the edge has not let through.
import type { ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../helpers/tmp.ts';
import { freePort, spawnFramework } from '../helpers/framework-child.ts';
import { waitFor } from '../helpers/wait.ts';
import { chunkedUpload } from '../helpers/raw-http.ts';
import { peakRssDuring, rssBytes } from '../helpers/rss.ts';
import { PCA_COLUMNS } from '../../shared/schema/kaggle.ts';

const dir = tempDir('fraudflow-ff-edge-');
const KEY = 'framework-key-'.repeat(2);
const MB = 1 << 20;
let child: ChildProcess;
let url: string;
let logs = '';
let exited: Promise<number>;

/** functions-framework's CLI for `target` with this suite's settings. */
const framework = (target: string, port: number): ChildProcess =>
  spawnFramework(target, port, {
    FUNCTION_SIGNATURE_TYPE: target === 'score' ? 'http' : 'cloudevent',
    NODE_ENV: 'development', // express would print stack traces here; the edge must not let it
    FRAUDFLOW_DATA_DIR: join(dir.path, 'data'),
    FRAUDFLOW_API_KEY: KEY,
    FRAUDFLOW_INGEST_WORKERS: '0',
  });

beforeAll(async () => {
  const port = await freePort();
  url = `http://127.0.0.1:${port}/`;
  child = framework('score', port);
  child.stdout!.on('data', (d: Buffer) => (logs += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (logs += d.toString()));
  exited = new Promise((resolve) => child.on('exit', (code) => resolve(code ?? -1)));
  await waitFor(
    () =>
      fetch(url, { method: 'GET' }).then(
        (r) => r.status,
        () => undefined,
      ),
    `functions-framework to listen (${logs.slice(-800)})`,
    90_000,
    100,
  );
}, 120_000);

let sink: ChildProcess | undefined;
afterAll(async () => {
  for (const c of [child, sink])
    if (c && c.exitCode === null) {
      const gone = new Promise((r) => c.once('exit', r));
      c.kill('SIGKILL');
      await gone;
    }
  dir.cleanup();
});

const tx = { transaction_id: 't-1', Time: 3600, ...Object.fromEntries(PCA_COLUMNS.map((c) => [c, 0])), Amount: 10 };

describe('score under functions-framework (the deployed process)', () => {
  it('answers the first request, a GET, from the edge: 405 JSON, not express', async () => {
    const res = await fetch(url, { method: 'GET' });
    expect(res.status).toBe(405);
    expect(await res.json()).toMatchObject({ code: 'METHOD_NOT_ALLOWED' });
  });

  it('refuses a 200 MB unauthenticated chunked body at once without the process growing', async () => {
    const baseline = rssBytes(child.pid!);
    const { result, peak } = await peakRssDuring(child.pid!, () =>
      chunkedUpload(url, { 'content-type': 'application/json' }, 200 * MB),
    );
    expect(result.status).toBe(401);
    expect(result.ms).toBeLessThan(5000);
    expect(peak - baseline, `baseline ${baseline}, peak ${peak}`).toBeLessThan(64 * MB);
  }, 60_000);

  it('answers malformed JSON with a JSON 400, never express’s HTML page with a stack trace', async () => {
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': KEY },
      body: '{"Time": 1,',
    });
    expect(res.status).toBe(400);
    const body = await res.text();
    expect(body).not.toMatch(/<html|<pre|at .*\.js:\d+|node_modules|\/work\//i);
    expect(JSON.parse(body)).toMatchObject({ code: 'INPUT_INVALID' });
  });

  it('refuses text/plain with 415 and a body over 1 MiB (the default) with 413', async () => {
    const text = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'text/plain', 'x-api-key': KEY },
      body: 'hello',
    });
    expect(text.status).toBe(415);
    const big = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': KEY },
      body: JSON.stringify({ ...tx, pad: 'x'.repeat(2 * MB) }),
    });
    expect(big.status).toBe(413);
  });

  it('hands a well-formed, authenticated request to the score function (no champion yet: the fallback verdict)', async () => {
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${KEY}` },
      body: JSON.stringify(tx),
    });
    const body = (await res.json()) as Record<string, unknown>;
    expect(res.status, JSON.stringify(body)).toBe(200);
    expect(body).toMatchObject({ transaction_id: 't-1', fallback: true });
  });

  it('stops on SIGTERM', async () => {
    child.kill('SIGTERM');
    const code = await Promise.race([exited, new Promise<number>((r) => setTimeout(() => r(-2), 20_000))]);
    expect(code).not.toBe(-2);
  }, 30_000);
});

describe('a CloudEvent function under functions-framework', () => {
  it('takes a Scheduler tick through the edge (204), and refuses GET, text/plain and oversized events first', async () => {
    const port = await freePort();
    const sinkUrl = `http://127.0.0.1:${port}/`;
    let out = '';
    sink = framework('sink', port);
    sink.stdout!.on('data', (d: Buffer) => (out += d.toString()));
    sink.stderr!.on('data', (d: Buffer) => (out += d.toString()));
    const first = await waitFor(
      () =>
        fetch(sinkUrl, { method: 'GET' }).then(
          (r) => r,
          () => undefined,
        ),
      `functions-framework to listen (${out.slice(-800)})`,
      90_000,
      100,
    );
    expect(first.status).toBe(405);
    const tick = {
      'content-type': 'application/json',
      'ce-specversion': '1.0',
      'ce-id': 'tick-1',
      'ce-type': 'google.cloud.pubsub.topic.v1.messagePublished',
      'ce-source': '//pubsub.googleapis.com/projects/p/topics/fraudflow-sink-tick',
    };
    const body = JSON.stringify({
      message: { data: 'e30=', messageId: 'm-1' },
      subscription: 'projects/p/subscriptions/s',
    });
    const ran = await fetch(sinkUrl, { method: 'POST', headers: tick, body });
    expect(ran.status, await ran.clone().text()).toBe(204);
    const text = await fetch(sinkUrl, { method: 'POST', headers: { ...tick, 'content-type': 'text/plain' }, body });
    expect(text.status).toBe(415);
    const notEvent = await fetch(sinkUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    expect(notEvent.status).toBe(400);
    expect(await notEvent.json()).toMatchObject({ code: 'INPUT_INVALID' });
    const big = await chunkedUpload(sinkUrl, tick, 50 * MB);
    expect(big.status).toBe(413);
  }, 120_000);
});
