// `fraudflow dev` under hostile HTTP, as a child process: 200 MB bodies are refused at once with its memory flat,
// SIGTERM still stops it, and a second `fraudflow dev` on the same ports exits 4 naming the port.
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../helpers/tmp.ts';
import { waitFor } from '../helpers/wait.ts';
import { cli } from '../helpers/cli.ts';
import { chunkedUpload, slowBody } from '../helpers/raw-http.ts';
import { peakRssDuring, rssBytes } from '../helpers/rss.ts';

const dir = tempDir('fraudflow-dev-edge-');
const KEY = 'dev-edge-key-'.repeat(2);
const MB = 1 << 20;
const env: Record<string, string> = {
  FRAUDFLOW_DATA_DIR: join(dir.path, 'data'),
  FRAUDFLOW_API_KEY: KEY,
  FRAUDFLOW_INGEST_WORKERS: '0',
};
let dev: ChildProcess;
let out = '';
let err = '';
let exited: Promise<number>;
let base: number;
const urls: Record<string, string> = {};

async function portFree(port: number): Promise<boolean> {
  const s = createServer();
  return new Promise((resolve) => {
    s.once('error', () => resolve(false));
    s.listen(port, '127.0.0.1', () => s.close(() => resolve(true)));
  });
}

/** A first port with the four after it free too. */
async function freeBase(): Promise<number> {
  for (;;) {
    const p = 20_000 + Math.floor(Math.random() * 30_000);
    const free = await Promise.all([0, 1, 2, 3, 4].map((i) => portFree(p + i)));
    if (free.every(Boolean)) return p;
  }
}

const quietSchedules = ['--sink', '0 0 1 1 *', '--score-stream', '0 0 1 1 *', '--retrain', '0 0 1 1 *'];

beforeAll(async () => {
  base = await freeBase();
  dev = spawn(
    process.execPath,
    [join(import.meta.dirname, '../../bin/fraudflow.js'), 'dev', '--port', String(base), ...quietSchedules],
    { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  dev.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  dev.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  exited = new Promise((resolve) => dev.on('exit', (code) => resolve(code ?? -1)));
  await waitFor(() => out.includes('Ctrl-C to stop') || undefined, `the runner to start (${err.slice(-500)})`, 60_000);
  for (const m of out.matchAll(/^\s+(\S+)\s+(http:\/\/\S+)$/gm)) urls[m[1]!] = m[2]!;
}, 90_000);

afterAll(async () => {
  if (dev.exitCode === null) {
    dev.kill('SIGKILL');
    await exited;
  }
  dir.cleanup();
});

describe('fraudflow dev under large bodies', () => {
  it('refuses 200 MB bodies (unauthenticated, declared, chunked, to an event function) at once, RSS flat', async () => {
    expect(Object.keys(urls).sort()).toEqual(['ingest', 'retrain', 'review', 'score', 'score-stream', 'sink']);
    const baseline = rssBytes(dev.pid!);
    const port = Number(new URL(urls.score!).port);
    const { result, peak } = await peakRssDuring(dev.pid!, async () => {
      const unauthenticated = await chunkedUpload(urls.score!, { 'content-type': 'application/json' }, 200 * MB);
      const declared = await slowBody(
        port,
        `POST / HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\nx-api-key: ${KEY}\r\ncontent-length: ${200 * MB}`,
        Buffer.alloc(64 * 1024, 0x20),
        5,
      );
      const chunked = await chunkedUpload(
        urls.score!,
        { 'content-type': 'application/json', 'x-api-key': KEY },
        200 * MB,
      );
      const event = await chunkedUpload(urls.ingest!, { 'content-type': 'application/json' }, 200 * MB);
      return { unauthenticated, declared, chunked, event };
    });
    expect(result.unauthenticated.status).toBe(401);
    expect(result.declared.status).toBe(413);
    expect(result.chunked.status).toBe(413);
    expect(result.event.status).toBe(413);
    for (const r of [result.unauthenticated, result.chunked, result.event]) {
      expect(r.ms).toBeLessThan(5000);
      expect(r.written).toBeLessThan(100 * MB);
    }
    expect(result.declared.ms).toBeLessThan(2000);
    // The default score limit is 1 MiB: nothing near 200 MB is ever held.
    expect(peak - baseline, `baseline ${baseline}, peak ${peak}`).toBeLessThan(64 * MB);
    // Still serving: a well-formed refusal right after.
    const after = await fetch(urls.score!, { method: 'GET' });
    expect(after.status).toBe(405);
  }, 120_000);

  it('a second fraudflow dev on the same ports exits 4 with one line naming the port, no stack trace', async () => {
    const second = await cli(['dev', '--port', String(base), ...quietSchedules], env);
    expect(second.code).toBe(4);
    const lines = second.stderr.trim().split('\n');
    expect(lines, second.stderr).toHaveLength(1);
    expect(lines[0]).toMatch(new RegExp(`PORT_IN_USE.*port ${base}\\b`));
    expect(second.stderr).not.toMatch(/\n\s+at |node:internal|\.ts:\d+/);
  }, 60_000);

  it('stops on SIGTERM after all that, cleanly', async () => {
    dev.kill('SIGTERM');
    const code = await Promise.race([exited, new Promise<number>((r) => setTimeout(() => r(-2), 30_000))]);
    expect(code, err.slice(-1500)).toBe(0);
    expect(out).toContain('fraudflow dev: stopped');
  }, 40_000);
});
