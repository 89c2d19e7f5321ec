// Bench: what the shadow challenger costs the HTTP score path: the champion alone, then champion + shadow on the
// default share of calls (0.1) and on every call (1), same run, same body; the ratios of latencies are the figures
// (target <= 1.10).
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { closedLoop, load, startServer, stop } from './score.ts';

type Row = (r: Record<string, string | number>) => void;

export async function shadowCost(env: Record<string, string>, body: string, seconds: number, row: Row): Promise<void> {
  const out = execFileSync(
    process.execPath,
    ['--import', 'tsx', join(import.meta.dirname, 'children/shadow-candidate.ts')],
    {
      env: { ...process.env, ...env },
      encoding: 'utf8',
    },
  );
  const { version } = JSON.parse(out.trim().split('\n').pop()!) as { version: string };
  const results: Figures[] = [];
  for (const [shadow, share] of [
    ['off', '1'],
    [version, '0.1'],
    [version, '1'],
  ] as const) {
    const { url, proc } = await startServer('score', {
      ...env,
      FRAUDFLOW_SHADOW: shadow,
      FRAUDFLOW_SHADOW_HTTP_SHARE: share,
    });
    try {
      await load(url, body, 4, 2); // warm-up, the shadow model loaded too
      const single = await closedLoop(url, body, seconds);
      const busy = await load(url, body, 10, seconds);
      results.push({ p50: single.p50, p99: single.p99, rps: busy.rps, share });
      row({
        case:
          shadow === 'off'
            ? 'score, champion only (FRAUDFLOW_SHADOW=off)'
            : `score, champion + shadow ${version} on a share ${share} of calls`,
        load: '1 connection; rps at 10 connections',
        requests: single.requests,
        rps: busy.rps,
        p50_ms: single.p50,
        p99_ms: single.p99,
        errors: single.errors + single.non2xx + busy.errors + busy.non2xx,
      });
    } finally {
      await stop(proc);
    }
  }
  ratioRows(results, row);
}

type Figures = { p50: number; p99: number; rps: number; share: string };

/** Each shadowed run's latencies and rps over the champion-only run's. */
function ratioRows(results: Figures[], row: Row): void {
  const [alone, ...shadowed] = results as [Figures, ...Figures[]];
  for (const both of shadowed)
    row({
      case: `shadow cost at share ${both.share}: champion+shadow / champion only`,
      load: 'same run',
      p50_ms: Number((both.p50 / alone.p50).toFixed(3)),
      p99_ms: Number((both.p99 / alone.p99).toFixed(3)),
      rps: Number((both.rps / alone.rps).toFixed(3)),
      target: 'latency ratio <= 1.10',
    });
}
