// Checks a plan against the installed gcloud CLI without credentials or network: records every gcloud call its steps make, then replays each one.
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Plan } from '../plan/plan.ts';
import { REPO_ROOT } from './run.ts';

/**
 * Stands in for gcloud, bq and node while a step's bash line runs: records gcloud's arguments, and answers so that each
 * branch of the step is taken in one of two passes. `exists`: everything succeeds (update branches). `absent`: a plain
 * `describe` or `bq show` fails and a `list` prints nothing (create branches); value look-ups (`--format=...`) answer.
 */
const SHIM = `#!/bin/bash
if [ "$(basename "$0")" = gcloud ]; then printf '%s\\0' "$@" > "$(mktemp "$SHIM_LOG/call.XXXXXXXX")"; fi
args=" $* "
if [ "$SHIM_PASS" = absent ] && [[ "$args" != *" --format="* ]]; then
  [[ "$args" == *" describe "* || "$args" == *" show "* ]] && exit 1
  [[ "$args" == *" list "* ]] && exit 0
fi
if [[ "$args" == *"value(url)"* ]]; then echo https://fraudflow-check.a.run.app; else echo check-value; fi
exit 0
`;

/** Every distinct gcloud argument list the plan's steps run, over both passes, in first-seen order. */
export function recordGcloudCalls(plan: Plan): string[][] {
  const dir = mkdtempSync(join(tmpdir(), 'fraudflow-gcloud-shim-'));
  try {
    const bin = join(dir, 'bin');
    const log = join(dir, 'log');
    spawnSync('mkdir', ['-p', bin, log]);
    for (const name of ['gcloud', 'bq', 'node']) {
      writeFileSync(join(bin, name), SHIM);
      chmodSync(join(bin, name), 0o755);
    }
    const seen = new Map<string, string[]>();
    for (const pass of ['exists', 'absent']) {
      for (const step of plan.steps) {
        spawnSync('bash', ['-uo', 'pipefail', '-c', step.command], {
          cwd: REPO_ROOT,
          env: { PATH: `${bin}:/usr/bin:/bin`, SHIM_LOG: log, SHIM_PASS: pass, HOME: dir },
          stdio: 'ignore',
        });
        for (const f of readdirSync(log).sort()) {
          const args = readFileSync(join(log, f), 'utf8').split('\0').slice(0, -1);
          rmSync(join(log, f));
          const key = JSON.stringify(args);
          if (!seen.has(key)) seen.set(key, args);
        }
      }
    }
    return [...seen.values()];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export type ReplayOutcome =
  /** It reached gcloud's credentials check: every argument parsed. */
  | 'parsed'
  /** gcloud refused the arguments (`unrecognized arguments`, `Invalid choice`, a bad value). */
  | 'parse-error'
  /** Anything else: shown in full, counted as a failure. */
  | 'unexpected';

export interface Replay {
  readonly args: readonly string[];
  readonly outcome: ReplayOutcome;
  readonly exitCode: number;
  readonly stderr: string;
}

const NO_CREDENTIALS = /You do not currently have an active account selected/;
const PARSE_ERROR = /unrecognized arguments|Invalid choice|argument [-\w]+: |expected one argument|Invalid value for/;

/** Whether gcloud and a network namespace without network (`unshare -n`) are available here, or why not. */
export function gcloudCheckUnavailable(): string | undefined {
  if (spawnSync('gcloud', ['--version'], { stdio: 'ignore' }).status !== 0) return 'the gcloud CLI is not installed';
  if (spawnSync('unshare', ['-n', 'true'], { stdio: 'ignore' }).status !== 0)
    return '`unshare -n` is not permitted here (it needs root or user namespaces): gcloud is never run with network';
  return undefined;
}

export function gcloudVersion(): string {
  return /Google Cloud SDK (\S+)/.exec(spawnSync('gcloud', ['--version'], { encoding: 'utf8' }).stdout)?.[1] ?? '?';
}

/** An environment in which gcloud has no credentials, no metadata server to ask, and writes only a throwaway config. */
function isolatedEnv(configDir: string): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    HOME: configDir,
    CLOUDSDK_CONFIG: configDir,
    CLOUDSDK_CORE_CHECK_GCE_METADATA: 'false',
    CLOUDSDK_CORE_DISABLE_PROMPTS: '1',
    CLOUDSDK_COMPONENT_MANAGER_DISABLE_UPDATE_CHECK: 'true',
    CLOUDSDK_CORE_DISABLE_USAGE_REPORTING: 'true',
  };
}

/** Runs gcloud with `args` inside `unshare -n`, in the repository root (steps name files relative to it). */
export function gcloudIsolated(
  args: readonly string[],
  configDir: string,
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('unshare', ['-n', 'gcloud', ...args], {
      cwd: REPO_ROOT,
      env: isolatedEnv(configDir),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.once('error', reject);
    child.once('exit', (code) => resolve({ code: code ?? 1, stdout, stderr }));
  });
}

/** Replays each argument list through the real gcloud, `parallel` at a time, each worker with its own config dir. */
export async function replayGcloudCalls(calls: readonly string[][], parallel = 4): Promise<Replay[]> {
  const results: Replay[] = new Array<Replay>(calls.length);
  const dirs = Array.from({ length: parallel }, () => mkdtempSync(join(tmpdir(), 'fraudflow-gcloud-config-')));
  let next = 0;
  try {
    await Promise.all(
      dirs.map(async (dir) => {
        for (let i = next++; i < calls.length; i = next++) {
          const args = calls[i]!;
          const r = await gcloudIsolated(args, dir);
          const outcome: ReplayOutcome = NO_CREDENTIALS.test(r.stderr)
            ? 'parsed'
            : r.code === 2 || PARSE_ERROR.test(r.stderr)
              ? 'parse-error'
              : 'unexpected';
          results[i] = { args, outcome, exitCode: r.code, stderr: r.stderr.trim() };
        }
      }),
    );
  } finally {
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  }
  return results;
}

/** What `gcloud functions deploy --source=.` would upload from the repository, as gcloud itself lists it (.gcloudignore applied). */
export async function filesForUpload(): Promise<string[]> {
  const dir = mkdtempSync(join(tmpdir(), 'fraudflow-gcloud-config-'));
  try {
    const r = await gcloudIsolated(['meta', 'list-files-for-upload', '.'], dir);
    if (r.code !== 0) throw new Error(`gcloud meta list-files-for-upload exited ${r.code}: ${r.stderr}`);
    return r.stdout.split('\n').filter(Boolean).sort();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
