// Bench: how fast the CLI starts (`fraudflow --help`, `<cmd> --help`, an unknown command), beside a bare `node -e ''`,
// whole processes, with the modules each loads; and each deployed function's cold start (and modules) beside a bare
// functions-framework handler, in the same run.
import { join } from 'node:path';
import { distIsFresh } from '../bin/dist.js';
import { pathToFileURL } from 'node:url';
import { runChild, type ChildRun } from './child-process.ts';
import { BARE, coldStart, DEPLOYED, type ColdStart } from './cold-start.ts';

export const FRAUDFLOW = join(import.meta.dirname, '../bin/fraudflow.js');

/** What bin/fraudflow.js runs now: the compiled dist/ (fresh) or the sources through tsx (`npm run build` to refresh). */
export const cliMode = (): string => (distIsFresh() ? 'dist/' : 'tsx: dist/ stale or absent');

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/** Preloaded into every timed process: it reports how many modules the process loaded (children/module-count.js). */
export const COUNT_MODULES = pathToFileURL(join(import.meta.dirname, 'children/module-count.js')).href;
export const modulesOf = (stderr: string): number | '-' => {
  const m = /MODULES (\d+)/.exec(stderr);
  return m ? Number(m[1]) : '-';
};

export async function run(options: { quick?: boolean } = {}): Promise<Array<Record<string, string | number>>> {
  const times = options.quick ? 5 : 15;
  const cases: Array<[string, string[]]> = [
    ["baseline: node -e ''", ['-e', '']],
    [`fraudflow --help (${cliMode()})`, [FRAUDFLOW, '--help']],
    [`fraudflow ingest --help (${cliMode()})`, [FRAUDFLOW, 'ingest', '--help']],
    [`fraudflow deploy plan --help (${cliMode()})`, [FRAUDFLOW, 'deploy', 'plan', '--help']],
    [`fraudflow snk: unknown command, exit 2 (${cliMode()})`, [FRAUDFLOW, 'snk']],
  ];
  const runs = new Map<string, ChildRun[]>(cases.map(([name]) => [name, []]));
  // Interleaved, so a burst of load from elsewhere falls on every case alike.
  for (let i = 0; i < times; i++)
    for (const [name, args] of cases) runs.get(name)!.push(await runChild(args, process.env, [0, 2]));
  // Counted in one more run each: the counting loader hook slows a process down, so the timed runs go without it.
  const modules = new Map<string, number | '-'>();
  for (const [name, args] of cases)
    modules.set(name, modulesOf((await runChild(['--import', COUNT_MODULES, ...args], process.env, [0, 2])).stderr));
  const base = median(runs.get(cases[0]![0])!.map((r) => r.seconds));
  const cli = cases.map(([name]) => {
    const rs = runs.get(name)!;
    const seconds = median(rs.map((r) => r.seconds));
    return {
      case: name,
      runs: rs.length,
      median_s: Number(seconds.toFixed(3)),
      vs_baseline: `+${Math.round((seconds - base) * 1000)} ms`,
      peak_rss_mb: Math.max(...rs.map((r) => r.peakRssMb)),
      modules: modules.get(name)!,
    };
  });
  return [...cli, ...(await coldStarts(options.quick ? 3 : 7, base))];
}

const FUNCTIONS = ['ingest', 'sink', 'retrain', 'score', 'score-stream', 'score-stream-push', 'review'];

/** Process start to the first answered request (any status), for the built functions and the bare handler. */
async function coldStarts(times: number, nodeBase: number): Promise<Array<Record<string, string | number>>> {
  if (!cliMode().startsWith('dist/')) return [{ case: 'cold starts: skipped, dist/ stale or absent (npm run build)' }];
  const cases: Array<[string, string, string]> = [
    ['baseline: bare functions-framework handler', BARE, 'bare'],
    ...FUNCTIONS.map((fn): [string, string, string] => [
      `cold start: ${fn} (dist/ under functions-framework)`,
      DEPLOYED,
      fn,
    ]),
  ];
  const runs = new Map<string, ColdStart[]>(cases.map(([name]) => [name, []]));
  for (let i = 0; i < times; i++)
    for (const [name, source, target] of cases) runs.get(name)!.push(await coldStart(source, target));
  const modules = new Map<string, number | '-'>();
  for (const [name, source, target] of cases) modules.set(name, (await coldStart(source, target, true)).modules);
  const bare = median(runs.get(cases[0]![0])!.map((r) => r.seconds));
  return cases.map(([name]) => {
    const rs = runs.get(name)!;
    const seconds = median(rs.map((r) => r.seconds));
    return {
      case: `${name}, first answer ${rs[0]!.status}`,
      runs: rs.length,
      median_s: Number(seconds.toFixed(3)),
      vs_baseline: `+${Math.round((seconds - bare) * 1000)} ms over bare, +${Math.round((seconds - nodeBase) * 1000)} ms over node -e ''`,
      peak_rss_mb: '-',
      modules: modules.get(name)!,
    };
  });
}
