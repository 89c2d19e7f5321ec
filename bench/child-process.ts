// Runs a bench child to its end: its output, wall time and peak RSS (reported by children/peak-rss.js at its exit).
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

export interface ChildRun {
  stdout: string;
  /** Its stderr (the preloads' reports included). */
  stderr: string;
  seconds: number;
  peakRssMb: number;
  /** CPU user time of the child (all its threads), seconds; null when it did not report it. */
  cpuUserSeconds: number | null;
}

const PRELOAD = pathToFileURL(join(import.meta.dirname, 'children/peak-rss.js')).href;

/** `node --import peak-rss.js <args>`; fails with the child's stderr unless it exits with one of `codes` (0). */
export function runChild(
  args: string[],
  env: NodeJS.ProcessEnv = process.env,
  codes: readonly number[] = [0],
): Promise<ChildRun> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(process.execPath, ['--import', PRELOAD, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('exit', (code) => {
      const seconds = (performance.now() - started) / 1000;
      const peak = /PEAK_RSS_KB (\d+)/.exec(stderr);
      if (!codes.includes(code ?? -1) || !peak)
        return reject(new Error(`${args.join(' ')}: exit ${code}: ${stderr.slice(-500)}`));
      const user = /CPU_USER_US (\d+)/.exec(stderr);
      const cpuUserSeconds = user ? Number(user[1]) / 1e6 : null;
      resolve({ stdout, stderr, seconds, peakRssMb: Math.round(Number(peak[1]) / 1024), cpuUserSeconds });
    });
  });
}
