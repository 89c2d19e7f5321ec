// Several scorer processes on one real Redis: interleaved transactions, redeliveries to another process, labels arriving
// late (twice), and two processes racing on one transaction give the offline features bit for bit and count each event once.
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { createInterface, type Interface } from 'node:readline';
import { afterAll, describe, expect, it } from 'vitest';
import { simulateDays } from '../../shared/simulator/generate.ts';
import { offlineFeatures } from '../../shared/features/raw/offline.ts';
import { computeAndRecord, type RawTx } from '../../shared/features/raw/compute.ts';
import { MemoryFeatureState } from '../../shared/features/raw/memory-state.ts';
import { RedisFeatureState } from '../../shared/features/raw/redis/redis-state.ts';
import { RAW_FEATURES } from '../../shared/features/raw/spec.ts';
import { txEpochMs } from '../../shared/schema/raw.ts';
import { freshNamespace, REDIS_TEST_URL, redisAvailable, testLink } from '../helpers/redis.ts';

const withRedis = await redisAvailable('feature state concurrency: redis');
const WORKERS = 3;
const DAY = 86_400;

interface Worker {
  proc: ChildProcess;
  lines: AsyncIterator<string>;
  rl: Interface;
}
const workers: Worker[] = [];
afterAll(() => {
  for (const w of workers) {
    w.rl.close();
    w.proc.kill('SIGTERM');
  }
});

function startWorker(namespace: string): Worker {
  const proc = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      join(import.meta.dirname, '../helpers/children/feature-state-worker.ts'),
      REDIS_TEST_URL!,
      namespace,
    ],
    { stdio: ['pipe', 'pipe', 'inherit'] },
  );
  const rl = createInterface({ input: proc.stdout! });
  return { proc, rl, lines: rl[Symbol.asyncIterator]() };
}

type Op = { score: RawTx } | { label: [string, 0 | 1] };
async function run(w: Worker, ops: Op[]): Promise<Array<[string, number[]]>> {
  w.proc.stdin!.write(JSON.stringify({ ops }) + '\n');
  const next = await w.lines.next();
  if (next.done) throw new Error('a feature-state worker exited');
  return (JSON.parse(next.value) as { scored: Array<[string, number[]]> }).scored;
}

/** A customer's scorer: one process per customer, as a consumer group partitions the stream by customer. */
const ownerOf = (customer: string) => [...customer].reduce((h, c) => (h * 31 + c.charCodeAt(0)) >>> 0, 7) % WORKERS;

describe.runIf(withRedis)('feature state shared by several processes (redis)', () => {
  it('gives every transaction its offline features bit for bit, with redeliveries, late labels and racing duplicates', async () => {
    const days = [
      ...simulateDays({ customers: 200, terminals: 100, days: 30, seed: 11, startDate: '2026-04-01', radius: 15 }),
    ];
    const month = days.flat();
    const byId = new Map(month.map((t) => [t.transaction_id, t]));
    const offline = new Map<string, number[]>();
    for await (const r of offlineFeatures(month)) offline.set(r.tx.transaction_id, r.features);

    const namespace = freshNamespace('processes');
    for (let i = 0; i < WORKERS; i++) workers.push(startWorker(namespace));
    const pendingLabels: Array<{ at: number; id: string; label: 0 | 1 }> = [];
    const firstScore = new Map<string, number[]>();
    const redelivered: RawTx[] = [];
    let compared = 0;
    let mismatches = 0;
    let redeliveryMismatches = 0;
    for (const [d, day] of days.entries()) {
      const ops: Op[][] = workers.map(() => []);
      const racing = new Set<string>();
      const dayStart = txEpochMs(day[0]!.tx_datetime) / 1000;
      // Labels known two days after their transaction; each applied by two processes (a redelivered label).
      while (pendingLabels.length && pendingLabels[0]!.at <= dayStart) {
        const p = pendingLabels.shift()!;
        ops[(d + 1) % WORKERS]!.push({ label: [p.id, p.label] });
        ops[(d + 2) % WORKERS]!.push({ label: [p.id, p.label] });
      }
      // Yesterday's every 20th transaction redelivered, to a process that is not its owner.
      for (const tx of redelivered.splice(0)) ops[(ownerOf(tx.customer_id) + 1) % WORKERS]!.push({ score: tx });
      for (const [i, tx] of day.entries()) {
        const { label, ...unlabelled } = tx;
        const owner = ownerOf(tx.customer_id);
        ops[owner]!.push({ score: unlabelled });
        // Every 50th also goes to another process at the same time: the two race to record it.
        if (i % 50 === 0) {
          ops[(owner + 2) % WORKERS]!.push({ score: unlabelled });
          racing.add(tx.transaction_id);
        }
        if (i % 20 === 0) redelivered.push(unlabelled);
        pendingLabels.push({ at: txEpochMs(tx.tx_datetime) / 1000 + 2 * DAY, id: tx.transaction_id, label });
      }
      const answers = await Promise.all(workers.map((w, k) => run(w, ops[k]!)));
      for (const [k, scored] of answers.entries())
        for (const [id, features] of scored) {
          const tx = byId.get(id)!;
          // A racing duplicate's own result is not compared: it may run before the customer's earlier transactions.
          if (racing.has(id) && k !== ownerOf(tx.customer_id)) continue;
          if (firstScore.has(id)) {
            if (!features.every((f, j) => Object.is(f, firstScore.get(id)![j]))) redeliveryMismatches++;
            continue;
          }
          firstScore.set(id, features);
          compared++;
          if (!features.every((f, j) => Object.is(f, offline.get(id)![j]))) mismatches++;
        }
    }
    expect(compared).toBe(month.length);
    expect(mismatches).toBe(0);
    expect(redeliveryMismatches).toBe(0);
    // Each event counted once: every customer and terminal keeps exactly its own transactions.
    const state = new RedisFeatureState(testLink(), { namespace });
    const byCustomer = new Map<string, number>();
    for (const tx of month) byCustomer.set(tx.customer_id, (byCustomer.get(tx.customer_id) ?? 0) + 1);
    for (const [c, n] of [...byCustomer].slice(0, 50)) expect(await state.keptEvents('customer', c)).toBe(n);
    const risk = RAW_FEATURES.names.indexOf('terminal_id_risk_30day_window');
    expect([...firstScore.values()].some((f) => f[risk]! > 0)).toBe(true); // labels reached the risk features
    await state.close();
  }, 240_000);
});

describe.runIf(withRedis)('one customer scored concurrently out of order (redis)', () => {
  it('misses only the earlier transactions recorded after it, never counts one twice, and later reads are exact', async () => {
    const namespace = freshNamespace('out-of-order');
    const a = new RedisFeatureState(testLink(), { namespace });
    const b = new RedisFeatureState(testLink(), { namespace });
    const txs: RawTx[] = Array.from({ length: 40 }, (_, i) => ({
      transaction_id: `o${i}`,
      tx_datetime: new Date(Date.parse('2026-06-01T00:00:00Z') + i * 600_000).toISOString(),
      customer_id: 'busy',
      terminal_id: `t${i % 4}`,
      amount: 1 + i,
    }));
    const count30 = RAW_FEATURES.names.indexOf('customer_id_nb_tx_30day_window');
    const reference = new MemoryFeatureState();
    const offline: number[][] = [];
    for (const tx of txs) offline.push(await computeAndRecord(tx, reference));
    // Both instances at once, in an order that is not the time order (each twice: a retried call).
    const order = txs.map((_, i) => (i * 17) % txs.length);
    const online = await Promise.all(
      [...order, ...order.slice().reverse()].map((i, k) => computeAndRecord(txs[i]!, k % 2 ? a : b)),
    );
    for (const [k, i] of [...order, ...order.slice().reverse()].entries()) {
      // Only earlier transactions are ever counted, each at most once: between 1 (itself) and the offline count.
      expect(online[k]![count30]).toBeGreaterThanOrEqual(1);
      expect(online[k]![count30]).toBeLessThanOrEqual(offline[i]![count30]!);
    }
    expect(await a.keptEvents('customer', 'busy')).toBe(txs.length);
    // Once all are recorded, any read (a re-score, a later transaction) has the offline features exactly.
    for (const [i, tx] of txs.entries()) expect(await computeAndRecord(tx, i % 2 ? a : b)).toEqual(offline[i]);
    const next: RawTx = { ...txs[0]!, transaction_id: 'later', tx_datetime: '2026-06-01T07:00:00Z' };
    expect(await computeAndRecord(next, a)).toEqual(await computeAndRecord(next, reference));
    await a.close();
    await b.close();
  });
});
