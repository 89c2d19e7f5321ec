// What Cloud Build deploys: `npm run build` emits JavaScript that functions-framework serves from package.json's main, as Cloud Run functions start it.
import { spawn, type ChildProcess } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pubsubTick, storageFinalized, type HttpEvent } from '../../cli/dev/cloudevents.ts';
import { CONTAINERS, FUNCTIONS, signatureOf } from '../../deploy/plan/functions.ts';
import { EmbeddedEventLog } from '../../shared/eventlog/embedded/embedded.ts';
import { queryAll } from '../../shared/warehouse/port.ts';
import { DuckDbWarehouse } from '../../shared/warehouse/duckdb/duckdb.ts';
import { kaggleHeader, kaggleRow } from '../helpers/rows.ts';
import { tempDir } from '../helpers/tmp.ts';
import { waitFor } from '../helpers/wait.ts';

const repo = join(import.meta.dirname, '../..');
// Inside the repository, so the built code resolves node_modules as it does in the deployed image.
mkdirSync(join(repo, '.local'), { recursive: true });
const app = mkdtempSync(join(repo, '.local', 'deploy-build-'));
const data = tempDir('fraudflow-dist-');
const children: ChildProcess[] = [];

function run(
  args: string[],
  options: { cwd: string; env?: Record<string, string> },
): Promise<{ code: number; out: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, {
      cwd: options.cwd,
      env: { ...process.env, ...options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    children.push(child);
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    child.once('error', reject);
    child.once('exit', (code) => resolve({ code: code ?? -1, out }));
  });
}

async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  const { port } = s.address() as { port: number };
  await new Promise((resolve) => s.close(resolve));
  return port;
}

/** `functions-framework --target=<name>` in the app folder: how the Node.js buildpack starts a function. */
async function serve(target: string): Promise<{ url: string; stop: () => Promise<void>; output: () => string }> {
  const port = await freePort();
  const child = spawn(
    process.execPath,
    [join(repo, 'node_modules/@google-cloud/functions-framework/build/src/main.js'), `--target=${target}`],
    {
      cwd: app,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: {
        ...process.env,
        PORT: String(port),
        FRAUDFLOW_DATA_DIR: data.path,
        FRAUDFLOW_INGEST_WORKERS: '2',
        FRAUDFLOW_SINK_MAX_SECONDS: '5',
      },
    },
  );
  children.push(child);
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  await waitFor(
    () => out.includes('URL: http://') || (child.exitCode !== null ? Promise.reject(new Error(out)) : undefined),
    `functions-framework serving ${target}`,
    30_000,
    50,
  );
  expect(out).toContain(`Signature type: ${signatureOf(FUNCTIONS.find((f) => f.entryPoint === target)!)}`);
  return {
    url: `http://127.0.0.1:${port}/`,
    output: () => out,
    stop: async () => {
      child.kill('SIGTERM');
      await exited;
    },
  };
}

const post = (url: string, e: HttpEvent) => fetch(url, { method: 'POST', headers: e.headers, body: e.body });

beforeAll(async () => {
  const build = await run(
    [join(repo, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.build.json', '--outDir', join(app, 'dist')],
    { cwd: repo },
  );
  expect(build.out).toBe('');
  expect(build.code).toBe(0);
  copyFileSync(join(repo, 'package.json'), join(app, 'package.json'));
}, 300_000); // tsc parses ~1,500 files, most of them the Google clients' type declarations: minutes on a busy 2-core machine

afterAll(async () => {
  for (const c of children) {
    if (c.exitCode !== null || c.signalCode !== null) continue;
    const gone = new Promise((resolve) => c.once('exit', resolve));
    c.kill('SIGKILL');
    await gone;
  }
  rmSync(app, { recursive: true, force: true, maxRetries: 5 });
  data.cleanup();
});

describe('the built functions', () => {
  it("register each descriptor's entry point from package.json main, with the signature its trigger delivers, when it is the FUNCTION_TARGET", async () => {
    // functions-framework's registry, read from the same module instance the built code registered with.
    const probe = (name: string) => `
      const { createRequire } = await import('node:module');
      const req = createRequire(process.cwd() + '/package.json');
      const main = req('./package.json').main;
      await import(new URL(main, 'file://' + process.cwd() + '/').href);
      const registry = await import(new URL('function_registry.js', 'file://' + req.resolve('@google-cloud/functions-framework')).href);
      const names = ${JSON.stringify(FUNCTIONS.map((f) => f.entryPoint))};
      console.log(JSON.stringify({ target: registry.getRegisteredFunction(${JSON.stringify(name)})?.signatureType ?? null,
        others: names.filter((n) => n !== ${JSON.stringify(name)} && registry.getRegisteredFunction(n)) }));
      process.exit(0);`;
    for (const f of FUNCTIONS) {
      const env = { FRAUDFLOW_DATA_DIR: data.path, FUNCTION_TARGET: f.entryPoint };
      const r = await run(['--input-type=module', '-e', probe(f.entryPoint)], { cwd: app, env });
      expect(r.code, r.out).toBe(0);
      const seen = JSON.parse(r.out.trim().split('\n').at(-1)!) as { target: string | null; others: string[] };
      // A deployed instance registers (and loads) its own function only.
      expect(seen, f.entryPoint).toEqual({ target: signatureOf(f), others: [] });
    }
    // The serving images run a compiled module of the same build.
    for (const c of CONTAINERS) expect(existsSync(join(app, c.main)), c.main).toBe(true);
  });

  it('ingest, served from dist/, encodes an uploaded file in worker threads and produces every row', async () => {
    mkdirSync(join(data.path, 'uploads', 'incoming'), { recursive: true });
    writeFileSync(
      join(data.path, 'uploads', 'incoming', 'day1.csv'),
      [kaggleHeader, kaggleRow(1), kaggleRow(2), kaggleRow(3, '99.00', 1)].join('\n') + '\n',
    );
    const fn = await serve('ingest');
    const res = await post(fn.url, storageFinalized('fraudflow-uploads', 'incoming/day1.csv', 100));
    expect(res.status, fn.output()).toBe(200);
    expect(await res.json()).toMatchObject({ object: 'incoming/day1.csv', format: 'kaggle', read: 3, accepted: 3 });
    await fn.stop();
    const log = new EmbeddedEventLog({ path: join(data.path, 'eventlog.sqlite') });
    const info = await log.describeTopic('transactions');
    await log.close();
    expect(info.partitions.reduce((n, p) => n + p.highWatermark, 0)).toBe(3);
  });

  it('sink, served from dist/, drains the topic into the DuckDB warehouse on a scheduler tick', async () => {
    const fn = await serve('sink');
    const res = await post(fn.url, pubsubTick('fraudflow-sink-tick'));
    expect(res.status, fn.output()).toBe(204);
    await fn.stop();
    const w = await DuckDbWarehouse.open(join(data.path, 'warehouse.duckdb'), { readOnly: true });
    const [row] = await queryAll(w, 'select count(*)::INTEGER as n, sum("Class")::INTEGER as fraud from transactions');
    await w.close();
    expect(row).toEqual({ n: 3, fraud: 1 });
  });
});
