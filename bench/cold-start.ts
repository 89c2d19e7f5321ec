// Bench: each function's cold start as deployed (the built dist/ under functions-framework): process start to the
// first answered request, beside a bare functions-framework handler started the same way.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const root = join(import.meta.dirname, '..');
const FRAMEWORK = join(root, 'node_modules/@google-cloud/functions-framework/build/src/main.js');
export const DEPLOYED = join(root, 'dist/functions/index.js');
export const BARE = join(import.meta.dirname, 'children/bare-function.js');

export interface ColdStart {
  seconds: number;
  status: number;
  /** Modules the process had loaded when it exited (children/module-count.js), '-' when not reported. */
  modules: number | '-';
}

async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as { port: number }).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

/** One POST of `{}`; the status, or undefined while nothing listens yet. */
function post(port: number): Promise<number | undefined> {
  return new Promise((resolve) => {
    const req = request(
      { host: '127.0.0.1', port, method: 'POST', path: '/', headers: { 'content-type': 'application/json' } },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode));
      },
    );
    req.on('error', () => resolve(undefined));
    req.end('{}');
  });
}

/**
 * Starts `target` from `source` under functions-framework and times it to the first answer (any status). With
 * `countModules` the process also reports how many modules it loaded (a loader hook: slower, so not for timing).
 */
export async function coldStart(source: string, target: string, countModules = false): Promise<ColdStart> {
  const port = await freePort();
  const dataDir = mkdtempSync(join(tmpdir(), 'fraudflow-cold-'));
  const started = performance.now();
  const count = countModules
    ? ['--import', pathToFileURL(join(import.meta.dirname, 'children/module-count.js')).href]
    : [];
  const child = spawn(
    process.execPath,
    [...count, FRAMEWORK, `--target=${target}`, `--source=${source}`, `--port=${port}`],
    {
      env: { ...process.env, FRAUDFLOW_DATA_DIR: dataDir, FRAUDFLOW_LOG_LEVEL: 'ERROR' },
      stdio: ['ignore', 'ignore', 'pipe'],
    },
  );
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  let exited = false;
  child.on('exit', () => (exited = true));
  let answered: { seconds: number; status: number } | undefined;
  try {
    const deadline = started + 60_000;
    for (;;) {
      const status = await post(port);
      if (status !== undefined) {
        answered = { seconds: (performance.now() - started) / 1000, status };
        break;
      }
      if (exited || performance.now() > deadline)
        throw new Error(`${target}: no answer (${exited ? 'exited' : 'timed out'}): ${stderr.slice(-400)}`);
      await new Promise((r) => setTimeout(r, 5));
    }
  } finally {
    child.kill('SIGTERM');
    await new Promise((r) => (exited ? r(undefined) : child.once('exit', r)));
    rmSync(dataDir, { recursive: true, force: true });
  }
  const m = /MODULES (\d+)/.exec(stderr);
  return { ...answered!, modules: m ? Number(m[1]) : '-' };
}
