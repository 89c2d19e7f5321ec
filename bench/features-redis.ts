// Bench rows for the Redis feature state: round trips of both clients, read + append of a typical entity and of a hot
// terminal with 1,000,000 events in its window, and score over HTTP with the Redis state beside the SQLite one.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import autocannon from 'autocannon';
import { Redis } from 'ioredis';
import { simulateDays } from '../shared/simulator/generate.ts';
import { computeAndRecord, type RawTx } from '../shared/features/raw/compute.ts';
import { RedisFeatureState } from '../shared/features/raw/redis/redis-state.ts';
import { RAW_FEATURES, RAW_FEATURES_V2 } from '../shared/features/raw/spec.ts';
import { ioredisLink } from '../shared/features/raw/redis/ioredis-link.ts';
import type { RedisEndpoint, RedisLink } from '../shared/features/raw/redis/link.ts';
import { latency, nodeRedisLink } from './redis-clients.ts';

type Row = Record<string, string | number>;
const bin = join(import.meta.dirname, '../bin/fraudflow.js');
const DAY = 86_400_000;

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

/** A redis-server of the bench's own (no persistence, loopback), stopped at the end. */
async function startRedis(): Promise<{ endpoint: RedisEndpoint; url: string; proc: ChildProcess }> {
  const port = await freePort();
  const proc = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    {
      stdio: 'ignore',
    },
  );
  const endpoint = { host: '127.0.0.1', port, tls: false, db: 0 };
  // A fresh probe per attempt (no retries of its own) until PING answers; the server is stopped if it never does.
  const deadline = Date.now() + 10_000;
  for (;;) {
    const probe = new Redis({ host: '127.0.0.1', port, lazyConnect: true, retryStrategy: () => null });
    probe.on('error', () => {});
    try {
      await probe.connect();
      await probe.ping();
      probe.disconnect();
      break;
    } catch (e) {
      probe.disconnect();
      if (Date.now() > deadline) {
        proc.kill('SIGTERM');
        throw e;
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  return { endpoint, url: `redis://127.0.0.1:${port}`, proc };
}

function row(r: Row): Row {
  return { case: '', rows: '', seconds: '', rows_per_s: '', p50_ms: '', p99_ms: '', peak_rss_mb: '', target: '', ...r };
}

async function onePerCall(name: string, n: number, call: (i: number) => Promise<unknown>, target = ''): Promise<Row> {
  const t = performance.now();
  const l = await latency(n, call);
  const s = (performance.now() - t) / 1000;
  return row({ case: name, rows: n, seconds: Number(s.toFixed(2)), p50_ms: l.p50, p99_ms: l.p99, target });
}

/** Writes `n` events of one terminal, spread over (t - 37 d, t - 7 d], as the append script lays them out (1% frauds). */
async function preloadHotTerminal(endpoint: RedisEndpoint, ns: string, terminal: string, tMs: number, n: number) {
  const r = new Redis({ host: endpoint.host, port: endpoint.port });
  const span = 30 * DAY;
  for (let i = 0; i < n; i += 10_000) {
    const p = r.pipeline();
    const ev: Array<string | number> = [];
    const fr: Array<string | number> = [];
    for (let j = i; j < Math.min(n, i + 10_000); j++) {
      const ms = tMs - 37 * DAY + 1 + Math.floor((j / n) * span);
      ev.push(ms, `hot-${j}`);
      if (j % 100 === 0) fr.push(ms, `hot-${j}`);
    }
    p.zadd(`${ns}t:${terminal}:ev`, ...ev);
    if (fr.length) p.zadd(`${ns}t:${terminal}:fr`, ...fr);
    await p.exec();
  }
  r.disconnect();
}

async function startScore(env: Record<string, string | undefined>): Promise<{ url: string; proc: ChildProcess }> {
  const proc = spawn(
    process.execPath,
    ['--import', 'tsx', join(import.meta.dirname, 'children/score-server.ts'), 'score'],
    { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'inherit'] },
  );
  for await (const line of createInterface({ input: proc.stdout! }))
    if (line.startsWith('{"port"'))
      return { url: `http://127.0.0.1:${(JSON.parse(line) as { port: number }).port}/`, proc };
  throw new Error('bench: the score server exited before listening');
}

/** 10 connections of raw transactions, each request a new one (unique id, a second later), for `seconds`. */
async function httpLoad(url: string, seconds: number, first: number) {
  let i = first;
  const start = Date.parse('2026-06-01T00:00:00Z');
  const r = await autocannon({
    url,
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    connections: 10,
    duration: seconds,
    requests: [
      {
        setupRequest: (req) => {
          const k = i++;
          const tx = {
            transaction_id: `h-${k}`,
            tx_datetime: new Date(start + k * 1000).toISOString().replace('.000', ''),
            customer_id: String(k % 500),
            terminal_id: String((k * 7) % 1000),
            amount: 10 + (k % 90),
          };
          return { ...req, body: JSON.stringify(tx) };
        },
      },
    ],
  });
  return { rps: Math.round(r.requests.average), p50: r.latency.p50, p99: r.latency.p99, errors: r.errors + r.non2xx };
}

/** The machine's load average: the 2-core hosts these run on are shared, and p99 figures follow the load. */
const loadRow = (when: string): Row =>
  row({
    case: `load average (1 / 5 / 15 min) ${when}: ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' / ')}`,
  });

// eslint-disable-next-line max-lines-per-function -- the Redis rows in the order the table prints them, each beside its baseline
export async function redisRows(dir: string, options: { quick?: boolean }): Promise<Row[]> {
  const rows: Row[] = [loadRow('before the Redis rows')];
  const server = await startRedis();
  const links: Array<[string, RedisLink]> = [];
  try {
    links.push(['ioredis', ioredisLink(server.endpoint)], ['node-redis', await nodeRedisLink(server.endpoint)]);
    const n = options.quick ? 5000 : 20_000;
    for (const [name, link] of links)
      rows.push(await onePerCall(`redis round trip: PING (${name}, 127.0.0.1)`, n, () => link.ping()));
    const month = [
      ...simulateDays({ customers: 5000, terminals: 10_000, days: 30, seed: 2, startDate: '2026-04-01' }),
    ].flat();
    for (const [name, link] of links) {
      const state = new RedisFeatureState(link, { namespace: `bench:${name}:` });
      rows.push(
        await onePerCall(
          `features read + append, typical entity (Redis state, ${name})`,
          Math.min(n, month.length - 600),
          (i) => computeAndRecord(month[i + 500]!, state),
          name === 'ioredis' ? 'p99 < 2' : '',
        ),
      );
    }
    // Spec v2 beside v1 on the same server and client: the v2 read adds a few O(log n) commands to the same script.
    const v2 = new RedisFeatureState(links[0]![1], { namespace: 'bench:ioredis-v2:' });
    rows.push(
      await onePerCall(
        'features v2 read + append, typical entity (Redis state, ioredis)',
        Math.min(n, month.length - 600),
        (i) => computeAndRecord(month[i + 500]!, v2, RAW_FEATURES_V2),
        '<= 1.5x the v1 row above',
      ),
    );
    // A hot terminal: 1,000,000 events in the 30-day window behind the 7-day delay of the transactions read.
    const hot = 1_000_000;
    const tMs = Date.parse('2026-06-01T00:00:00Z');
    const ns = 'bench:hot:';
    const t0 = performance.now();
    await preloadHotTerminal(server.endpoint, ns, 'hot', tMs, hot);
    const loadS = (performance.now() - t0) / 1000;
    const state = new RedisFeatureState(links[0]![1], { namespace: ns });
    const hotTx = (i: number): RawTx => ({
      transaction_id: `hot-read-${i}`,
      tx_datetime: new Date(tMs + (i + 500) * 50).toISOString(),
      customer_id: `hc${i % 5000}`,
      terminal_id: 'hot',
      amount: 12.5,
    });
    const check = await computeAndRecord(hotTx(-500), state);
    rows.push(
      await onePerCall(
        `features read + append, hot terminal (${hot.toLocaleString('en')} events in its window, loaded in ${loadS.toFixed(1)} s; ${check[RAW_FEATURES.names.indexOf('terminal_id_nb_tx_30day_window')]} counted)`,
        n,
        (i) => computeAndRecord(hotTx(i), state),
        'p99 < 5',
      ),
    );

    // Score over HTTP: a raw champion trained by the CLI, then the same load on the SQLite and on the Redis state.
    const data = join(dir, 'http-data');
    mkdirSync(data, { recursive: true });
    const env = { FRAUDFLOW_DATA_DIR: data, FRAUDFLOW_LOG_LEVEL: 'ERROR', FRAUDFLOW_MAX_EPOCHS: '2' };
    const cli = (args: string[]) =>
      execFileSync(process.execPath, [bin, ...args, '--json'], {
        env: { ...process.env, ...env },
        stdio: ['ignore', 'ignore', 'inherit'],
      });
    const csv = join(dir, 'raw.csv');
    cli(['generate', '--customers', '500', '--terminals', '1000', '--days', '40', '--seed', '5', '--out', csv]);
    cli(['ingest', csv]);
    cli(['sink']);
    cli(['retrain', '--models', 'logistic-regression', '--format', 'raw']);
    const seconds = options.quick ? 5 : 10;
    const rps: Record<string, number> = {};
    for (const [which, extra] of [
      ['SQLite', { REDIS_URL: undefined }],
      ['Redis', { REDIS_URL: server.url }],
    ] as const) {
      const { url, proc } = await startScore({ ...env, ...extra });
      try {
        await httpLoad(url, 2, which === 'SQLite' ? 0 : 5_000_000); // warm-up
        const r = await httpLoad(url, seconds, which === 'SQLite' ? 1_000_000 : 6_000_000);
        rps[which] = r.rps;
        rows.push(
          row({
            case: `score HTTP, raw transactions, 10 connections (${which} state; ${r.errors} errors)`,
            rows: r.rps * seconds,
            seconds,
            rows_per_s: r.rps,
            p50_ms: r.p50,
            p99_ms: r.p99,
            target: which === 'Redis' ? `>= 80% of SQLite: ${Math.round((100 * r.rps) / rps.SQLite!)}%` : '',
          }),
        );
      } finally {
        const exited = new Promise((resolve) => proc.once('exit', resolve));
        proc.kill('SIGTERM');
        await exited;
      }
    }
    rows.push(loadRow('after them'));
    return rows;
  } finally {
    for (const [, link] of links) await link.close().catch(() => undefined);
    server.proc.kill('SIGTERM');
  }
}
