// Bench: what the shadow challenger costs the HTTP score path: the champion alone, champion + shadow on the default
// share of calls (0.1) and on every call (1). The three servers run side by side and are measured in alternated rounds
// (the order rotates each round), so warm-up, order and the machine's drift fall on every case alike; each figure is
// the median over rounds, and the ratios of those medians are the result (target <= 1.10).
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { closedLoop, load, startServer, stop } from './score.ts';

type Row = (r: Record<string, string | number>) => void;
type Case = { shadow: string; share: string };
type Figures = { p50: number; p99: number; rps: number; requests: number; errors: number };

export async function shadowCost(env: Record<string, string>, body: string, seconds: number, row: Row): Promise<void> {
  const version = shadowCandidate(env);
  const cases: Case[] = [
    { shadow: 'off', share: '1' },
    { shadow: version, share: '0.1' },
    { shadow: version, share: '1' },
  ];
  const servers = await Promise.all(
    cases.map((c) =>
      startServer('score', { ...env, FRAUDFLOW_SHADOW: c.shadow, FRAUDFLOW_SHADOW_HTTP_SHARE: c.share }),
    ),
  );
  const rounds = seconds >= 10 ? 6 : 4;
  const perRound = Math.max(2, Math.round((seconds * 1.5) / rounds) + 1);
  const figures: Figures[][] = cases.map(() => []);
  try {
    for (const s of servers) await load(s.url, body, 4, 2); // warm-up, the shadow model loaded too
    for (let r = 0; r < rounds; r++)
      for (let k = 0; k < cases.length; k++) {
        const i = (k + r) % cases.length;
        const single = await closedLoop(servers[i]!.url, body, perRound);
        const busy = await load(servers[i]!.url, body, 10, perRound);
        figures[i]!.push({
          p50: single.p50,
          p99: single.p99,
          rps: busy.rps,
          requests: single.requests,
          errors: single.errors + single.non2xx + busy.errors + busy.non2xx,
        });
      }
  } finally {
    await Promise.all(servers.map((s) => stop(s.proc)));
  }
  const medians = figures.map(summary);
  cases.forEach((c, i) =>
    row({
      case:
        c.shadow === 'off'
          ? 'score, champion only (FRAUDFLOW_SHADOW=off)'
          : `score, champion + shadow ${version} on a share ${c.share} of calls`,
      load: `1 connection; rps at 10 connections; median of ${rounds} alternated rounds of ${perRound} s`,
      ...medians[i]!,
    }),
  );
  ratioRows(cases, medians, row);
}

/** A copy of the champion saved as an unpromoted version: the shadow costs the same as a real challenger. */
function shadowCandidate(env: Record<string, string>): string {
  const out = execFileSync(
    process.execPath,
    ['--import', 'tsx', join(import.meta.dirname, 'children/shadow-candidate.ts')],
    { env: { ...process.env, ...env }, encoding: 'utf8' },
  );
  return (JSON.parse(out.trim().split('\n').pop()!) as { version: string }).version;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

function summary(fs: Figures[]): { requests: number; rps: number; p50_ms: number; p99_ms: number; errors: number } {
  return {
    requests: fs.reduce((n, f) => n + f.requests, 0),
    rps: Math.round(median(fs.map((f) => f.rps))),
    p50_ms: Number(median(fs.map((f) => f.p50)).toFixed(3)),
    p99_ms: Number(median(fs.map((f) => f.p99)).toFixed(3)),
    errors: fs.reduce((n, f) => n + f.errors, 0),
  };
}

/** Each shadowed case's median latencies and rps over the champion-only case's. */
function ratioRows(cases: Case[], m: ReturnType<typeof summary>[], row: Row): void {
  const alone = m[0]!;
  for (let i = 1; i < cases.length; i++)
    row({
      case: `shadow cost at share ${cases[i]!.share}: champion+shadow / champion only`,
      load: 'same run, medians of alternated rounds',
      p50_ms: Number((m[i]!.p50_ms / alone.p50_ms).toFixed(3)),
      p99_ms: Number((m[i]!.p99_ms / alone.p99_ms).toFixed(3)),
      rps: Number((m[i]!.rps / alone.rps).toFixed(3)),
      target: 'latency ratio <= 1.10',
    });
}
