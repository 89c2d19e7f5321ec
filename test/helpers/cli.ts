// Runs the real fraudflow CLI in a child process against a data directory, as a user would.
import { spawn } from 'node:child_process';
import { join } from 'node:path';

const bin = join(import.meta.dirname, '../../bin/fraudflow.js');

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export function cli(
  args: string[],
  env: Record<string, string>,
  options: { until?: RegExp } = {},
): Promise<CliResult & { killed: boolean }> {
  return new Promise((resolve) => {
    const proc = spawn(process.execPath, [bin, ...args], {
      env: { ...process.env, FRAUDFLOW_INGEST_WORKERS: '0', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    let killed = false;
    proc.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    proc.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
      // Kill -9 the moment the process announces the point we want it to die at.
      if (options.until && !killed && options.until.test(stderr)) {
        killed = true;
        proc.kill('SIGKILL');
      }
    });
    proc.on('exit', (code) => resolve({ code: code ?? -1, stdout, stderr, killed }));
  });
}

export async function cliJson<T>(args: string[], env: Record<string, string>): Promise<T> {
  const r = await cli([...args, '--json'], env);
  if (r.code !== 0) throw new Error(`fraudflow ${args.join(' ')} exited ${r.code}: ${r.stderr}`);
  return JSON.parse(r.stdout) as T;
}
