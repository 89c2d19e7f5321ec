// functions-framework's own CLI serving one fraudflow function on 127.0.0.1 (the deployed process: the buildpack
// starts the same CLI; it binds every interface, as there), its output kept; stopped with SIGTERM, then SIGKILL.
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { waitFor } from './wait.ts';

const root = join(import.meta.dirname, '../..');

export interface FrameworkChild {
  readonly url: string;
  readonly process: ChildProcess;
  /** Everything it printed so far (JSON log lines). */
  output(): string;
  stop(): Promise<void>;
}

export async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as { port: number }).port;
  await new Promise((r) => s.close(r));
  return port;
}

/**
 * functions-framework's CLI serving `target` on `port`, the TypeScript entry loaded through tsx (the deployed one is
 * built JS); a CloudEvent function unless `env` says otherwise (FUNCTION_SIGNATURE_TYPE).
 */
export function spawnFramework(target: string, port: number, env: Record<string, string>): ChildProcess {
  return spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      join(root, 'node_modules/@google-cloud/functions-framework/build/src/main.js'),
      `--source=${join(root, 'functions/index.ts')}`,
    ],
    {
      cwd: root,
      env: {
        ...process.env,
        FUNCTION_TARGET: target,
        FUNCTION_SIGNATURE_TYPE: 'cloudevent',
        PORT: String(port),
        ...env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
}

/** Starts it and waits until the edge answers (a GET is refused with 405 before any body is read). */
export async function startFramework(target: string, env: Record<string, string>): Promise<FrameworkChild> {
  const port = await freePort();
  const child = spawnFramework(target, port, env);
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const url = `http://127.0.0.1:${port}/`;
  await waitFor(
    () => {
      if (child.exitCode !== null) throw new Error(`functions-framework exited: ${out.slice(-800)}`);
      return fetch(url, { method: 'GET' }).then(
        (r) => r.status,
        () => undefined,
      );
    },
    'functions-framework to listen',
    90_000,
    100,
  );
  return {
    url,
    process: child,
    output: () => out,
    async stop() {
      if (child.exitCode !== null) return;
      const gone = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await gone;
      clearTimeout(timer);
    },
  };
}
