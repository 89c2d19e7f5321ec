// Bench: how fast the CLI starts (`fraudflow --help`, `fraudflow ingest --help`), beside a bare `node -e ''`, whole
// processes; and each deployed function's cold start beside a bare functions-framework handler, in the same run.
import { join } from 'node:path';
import { distIsFresh } from '../bin/dist.js';
import { runChild, type ChildRun } from './child-process.ts';
import { BARE, coldStart, DEPLOYED, type ColdStart } from './cold-start.ts';

export const FRAUDFLOW = join(import.meta.dirname, '../bin/fraudflow.js');

/** What bin/fraudflow.js runs now: the compiled dist/ (fresh) or the sources through tsx (`npm run build` to refresh). */
export const cliMode = (): string => (distIsFresh() ? 'dist/' : 'tsx: dist/ stale or absent');

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

export async function run(options: { quick?: boolean } = {}): Promise<Array<Record<string, string | number>>> {
  const times = options.quick ? 5 : 15;
  const cases: Array<[string, string[]]> = [
    ["baseline: node -e ''", ['-e', '']],
    [`fraudflow --help (${cliMode()})`, [FRAUDFLOW, '--help']],
    [`fraudflow ingest --help (${cliMode()})`, [FRAUDFLOW, 'ingest', '--help']],
  ];
  const runs = new Map<string, ChildRun[]>(cases.map(([name]) => [name, []]));
  // Interleaved, so a burst of load from elsewhere falls on every case alike.
  for (let i = 0; i < times; i++) for (const [name, args] of cases) runs.get(name)!.push(await runChild(args));
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
    };
  });
}
