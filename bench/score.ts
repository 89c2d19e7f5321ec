// Bench: the score function over HTTP (autocannon) beside a bare functions-framework handler, batch scoring in-process,
// and event-to-verdict latency through the embedded log with `score-stream --follow` running as its own process.
// The champion is a real one: `fraudflow demo` trains it on generated Kaggle-format data first.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { Agent, request } from 'node:http';
import autocannon from 'autocannon';
import { kaggleRecords } from '../shared/synth/kaggle.ts';
import { shadowCost } from './score-shadow.ts';

type Rows = Array<Record<string, string | number>>;
const bin = join(import.meta.dirname, '../bin/fraudflow.js');

/** One Kaggle-format transaction as the score function takes it. */
function transaction(i: number): Record<string, number | string> {
  const { Class: _label, ...row } = [...kaggleRecords(i + 1, 7)][i]!;
  return { ...row, transaction_id: `bench-${i}` };
}

export async function startServer(
  which: 'baseline' | 'score',
  env: Record<string, string>,
): Promise<{ url: string; proc: ChildProcess }> {
  const proc = spawn(
    process.execPath,
    ['--import', 'tsx', join(import.meta.dirname, 'children/score-server.ts'), which],
    { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const lines = createInterface({ input: proc.stdout! });
  for await (const line of lines) {
    if (line.startsWith('{"port"'))
      return { url: `http://127.0.0.1:${(JSON.parse(line) as { port: number }).port}/`, proc };
  }
  throw new Error(`bench: the ${which} server exited before listening`);
}

export async function stop(proc: ChildProcess): Promise<void> {
  if (proc.exitCode !== null) return;
  const exited = new Promise((resolve) => proc.once('exit', resolve));
  proc.kill('SIGTERM');
  await exited;
}

interface Load {
  rps: number;
  p50: number;
  p99: number;
  non2xx: number;
  errors: number;
  requests: number;
}

export async function load(url: string, body: string, connections: number, seconds: number): Promise<Load> {
  const r = await autocannon({
    url,
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body,
    connections,
    duration: seconds,
  });
  return {
    rps: Math.round(r.requests.average),
    p50: r.latency.p50,
    p99: r.latency.p99,
    non2xx: r.non2xx,
    errors: r.errors,
    requests: r.requests.total,
  };
}

/** One request at a time over one kept-alive connection, timed to the microsecond (autocannon rounds to whole ms). */
export async function closedLoop(url: string, body: string, seconds: number): Promise<Load> {
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  const once = () =>
    new Promise<number>((resolve, reject) => {
      const req = request(
        url,
        {
          method: 'POST',
          agent,
          headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
        },
        (res) => {
          res.resume();
          res.on('end', () => resolve(res.statusCode ?? 0));
        },
      );
      req.on('error', reject);
      req.end(body);
    });
  const lat: number[] = [];
  let non2xx = 0;
  const end = performance.now() + seconds * 1000;
  while (performance.now() < end) {
    const t = performance.now();
    if ((await once()) >= 300) non2xx++;
    lat.push(performance.now() - t);
  }
  agent.destroy();
  lat.sort((a, b) => a - b);
  const q = (p: number) => Number(lat[Math.min(lat.length - 1, Math.floor(p * lat.length))]!.toFixed(2));
  return { rps: Math.round(lat.length / seconds), p50: q(0.5), p99: q(0.99), non2xx, errors: 0, requests: lat.length };
}

// eslint-disable-next-line max-lines-per-function -- the bench's rows in the order the table prints them, each beside its baseline
export async function run(options: { quick?: boolean } = {}): Promise<Rows> {
  const dir = mkdtempSync(join(tmpdir(), 'fraudflow-bench-score-'));
  const env = { FRAUDFLOW_DATA_DIR: join(dir, 'data'), FRAUDFLOW_LOG_LEVEL: 'ERROR' };
  const seconds = options.quick ? 3 : 10;
  const rows: Rows = [];
  const row = (r: Record<string, string | number>) =>
    rows.push({
      case: '',
      load: '',
      requests: '',
      rps: '',
      p50_ms: '',
      p99_ms: '',
      rows_per_s: '',
      errors: '',
      target: '',
      ...r,
    });
  try {
    // A real champion: the demo's pipeline trains and promotes it.
    execFileSync(
      process.execPath,
      [bin, 'demo', '--format', 'kaggle', '--rows', options.quick ? '30000' : '100000', '--json'],
      {
        env: { ...process.env, ...env },
        stdio: ['ignore', 'ignore', 'inherit'],
      },
    );
    const body = JSON.stringify(transaction(3));

    for (const which of ['baseline', 'score'] as const) {
      const { url, proc } = await startServer(which, env);
      try {
        await load(url, body, 4, 2); // warm-up: JIT, the model loaded, the log's files open
        const single = await closedLoop(url, body, seconds);
        const busy = await load(url, body, 10, seconds);
        const name =
          which === 'baseline'
            ? 'baseline: bare functions-framework handler, constant answer'
            : 'score: validate, features, champion + 3 reasons, verdict published';
        row({
          case: name,
          load: '1 connection (µs timer)',
          requests: single.requests,
          rps: single.rps,
          p50_ms: single.p50,
          p99_ms: single.p99,
          errors: single.errors + single.non2xx,
          target: which === 'score' ? 'p50 < 2, p99 < 10' : '',
        });
        row({
          case: name,
          load: '10 connections',
          requests: busy.requests,
          rps: busy.rps,
          p50_ms: busy.p50,
          p99_ms: busy.p99,
          errors: busy.errors + busy.non2xx,
          target: which === 'score' ? '>= 3000 rps' : '',
        });
      } finally {
        await stop(proc);
      }
    }

    await shadowCost(env, body, seconds, row);

    const batch = JSON.parse(
      execFileSync(
        process.execPath,
        ['--import', 'tsx', join(import.meta.dirname, 'children/score-batch.ts'), options.quick ? '50000' : '200000'],
        { env: { ...process.env, ...env }, encoding: 'utf8' },
      )
        .trim()
        .split('\n')
        .pop()!,
    ) as Array<{ case: string; rows: number; seconds: number }>;
    for (const b of batch)
      row({
        case: b.case,
        load: `${b.rows} rows`,
        rows_per_s: Math.round(b.rows / b.seconds),
        target: b.case === 'batch features + predict' ? '>= 500,000 rows/s' : '',
      });

    const e2v = JSON.parse(
      execFileSync(
        process.execPath,
        ['--import', 'tsx', join(import.meta.dirname, 'children/event-to-verdict.ts'), options.quick ? '500' : '3000'],
        { env: { ...process.env, ...env }, encoding: 'utf8' },
      )
        .trim()
        .split('\n')
        .pop()!,
    ) as { events: number; rate: number; p50: number; p99: number; max: number };
    row({
      case: 'event to verdict: produce to `transactions` -> score-stream --follow -> read from `verdicts`',
      load: `${e2v.events} events at ${e2v.rate}/s`,
      p50_ms: e2v.p50,
      p99_ms: e2v.p99,
      target: 'p99 < 100',
    });
    return rows;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
