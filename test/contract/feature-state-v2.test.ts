// Every feature state (in memory; SQLite file; a real redis-server) serves spec v2's aggregates exactly as the reference
// over event lists defines them (previous event, events at this terminal, the terminal's counts without delay),
// however the events arrived, the transaction itself never counted, and keeps them bounded by retention; spec v3
// (v1 and the ratios) from the same states gives v2's ratio values.
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { MemoryFeatureState } from '../../shared/features/raw/memory-state.ts';
import { SqliteFeatureState } from '../../shared/features/raw/sqlite/sqlite-state.ts';
import { RedisFeatureState } from '../../shared/features/raw/redis/redis-state.ts';
import { computeAndRecord } from '../../shared/features/raw/compute.ts';
import { RAW_FEATURES, RAW_FEATURES_V2, RAW_FEATURES_V3 } from '../../shared/features/raw/spec.ts';
import type { FeatureState, RetentionOptions, TxEvent } from '../../shared/features/raw/port.ts';
import { aggregate, DAY_MS, toMs } from '../../shared/features/raw/windows.ts';
import { aggregateExtra } from '../../shared/features/raw/extra.ts';
import { freshNamespace, redisAvailable, testLink } from '../helpers/redis.ts';
import { tempDir } from '../helpers/tmp.ts';

const dir = tempDir('fraudflow-state-v2-');
afterAll(() => dir.cleanup());
const withRedis = await redisAvailable('feature state v2 contract: redis');

type Make = (options?: RetentionOptions) => FeatureState;
const IMPLEMENTATIONS: Array<[string, Make]> = [
  ['memory', (o) => new MemoryFeatureState(o)],
  ['sqlite', (o) => new SqliteFeatureState(join(dir.path, `state-${Math.random().toString(36).slice(2)}.sqlite`), o)],
  ...(withRedis
    ? [
        [
          'redis',
          (o?: RetentionOptions) => new RedisFeatureState(testLink(), { ...o, namespace: freshNamespace('v2') }),
        ] as [string, Make],
      ]
    : []),
];

/** A deterministic pseudo-random stream (mulberry32). */
function random(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let r = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    r = (r + Math.imul(r ^ (r >>> 7), 61 | r)) ^ r;
    return ((r ^ (r >>> 14)) >>> 0) / 4294967296;
  };
}

type Placed = TxEvent & { customerId: string; terminalId: string };

describe.each(IMPLEMENTATIONS)('feature state v2 aggregates (%s)', (_name, make) => {
  it('gives the exact v2 aggregates of events appended out of order, on and beside every edge', async () => {
    const rnd = random(5);
    const state = make({ keepSeconds: Number.POSITIVE_INFINITY });
    const t0 = Date.parse('2026-05-20T12:34:56.789Z');
    const offsets: number[] = [];
    for (const d of [0, 1, 7, 30, 31])
      for (const delta of [-60_000, -1, 0, 1, 3_600_000]) offsets.push(d * DAY_MS + delta);
    for (let i = 0; i < 300; i++) offsets.push(Math.floor(rnd() * 35 * DAY_MS));
    const events: Placed[] = offsets.map((o, i) => ({
      txId: `v${i}`,
      t: (t0 - o) / 1000,
      amountCents: Math.floor(rnd() * 50_000),
      label: rnd() < 0.3 ? 1 : null,
      customerId: rnd() < 0.6 ? 'c1' : 'c2',
      terminalId: rnd() < 0.5 ? 't1' : rnd() < 0.5 ? 't2' : 't3',
    }));
    for (const i of events.map((_, i) => i).sort(() => rnd() - 0.5)) {
      const e = events[i]!;
      await state.append(e.customerId, e.terminalId, e);
    }
    for (const at of [t0, t0 - 1, t0 + 1, t0 - 7 * DAY_MS, t0 + 2 * DAY_MS, t0 - 40 * DAY_MS])
      for (const customerId of ['c1', 'c2', 'c9'])
        for (const terminalId of ['t1', 't3', 't9'])
          for (const txId of ['new', 'v0', 'v3', 'v7']) {
            const q = { customerId, terminalId, txId, t: at / 1000, extra: true };
            const mine = events.filter((e) => e.customerId === customerId);
            const theirs = events.filter((e) => e.terminalId === terminalId);
            expect(await state.windows(q), `${customerId}@${terminalId} as ${txId} at ${at}`).toEqual({
              ...aggregate(toMs(q.t), txId, mine, theirs),
              extra: aggregateExtra(toMs(q.t), txId, terminalId, mine, theirs),
            });
          }
    const seen = await state.windows({ customerId: 'c1', terminalId: 't1', txId: 'new', t: t0 / 1000, extra: true });
    expect(seen.extra!.customerAtTerminal).toBeGreaterThan(10);
    expect(seen.extra!.previousMs).not.toBeNull();
    await state.close();
  });

  it('a customer new to a terminal, then back at it: the v2 features follow, a re-score counts nothing twice', async () => {
    const state = make();
    const base = { customer_id: 'k1', amount: 20 };
    const at = (id: string, iso: string, terminal: string) =>
      computeAndRecord(
        { ...base, transaction_id: id, tx_datetime: iso, terminal_id: terminal },
        state,
        RAW_FEATURES_V2,
      );
    const named = (f: number[]) => Object.fromEntries(RAW_FEATURES_V2.names.map((n, i) => [n, f[i]]));
    const first = named(await at('k-a', '2026-03-02T08:00:00Z', 'ta'));
    expect(first).toMatchObject({
      customer_hours_since_previous_tx: 720,
      customer_used_terminal_30day_window: 0,
      terminal_id_nb_tx_1day_window_no_delay: 0,
      amount_over_customer_avg_1day_window: 1,
    });
    const second = named(await at('k-b', '2026-03-02T11:30:00Z', 'tb'));
    expect(second).toMatchObject({ customer_hours_since_previous_tx: 3.5, customer_used_terminal_30day_window: 0 });
    const third = named(await at('k-c', '2026-03-03T07:00:00Z', 'ta'));
    expect(third).toMatchObject({ customer_used_terminal_30day_window: 1, terminal_id_nb_tx_1day_window_no_delay: 1 });
    expect(third.customer_hours_since_previous_tx).toBe(19.5);
    expect(named(await at('k-c', '2026-03-03T07:00:00Z', 'ta'))).toEqual(third);
    // v1 is v2's first columns, from the same state.
    const v1 = await computeAndRecord(
      { ...base, transaction_id: 'k-c', tx_datetime: '2026-03-03T07:00:00Z', terminal_id: 'ta' },
      state,
    );
    expect(v1).toEqual(RAW_FEATURES.names.map((n) => third[n]));
    await state.close();
  });

  it("spec v3 from the state: v1's features then v2's ratios of the same history, a re-score the same", async () => {
    const state = make();
    const tx = (id: string, iso: string, terminal: string, amount: number) => ({
      transaction_id: id,
      tx_datetime: iso,
      customer_id: 'k3',
      terminal_id: terminal,
      amount,
    });
    const named = (f: number[]) => Object.fromEntries(RAW_FEATURES_V3.names.map((n, i) => [n, f[i]]));
    const first = named(await computeAndRecord(tx('k3-a', '2026-03-02T08:00:00Z', 'ta', 20), state, RAW_FEATURES_V3));
    expect(first).toMatchObject({
      amount_over_customer_avg_1day_window: 1,
      customer_avg_amount_1day_over_30day_window: 1,
    });
    const b = tx('k3-b', '2026-03-02T11:30:00Z', 'tb', 60);
    const second = await computeAndRecord(b, state, RAW_FEATURES_V3);
    expect(second).toHaveLength(21);
    expect(named(second)).toMatchObject({
      customer_id_avg_amount_1day_window: 40,
      amount_over_customer_avg_1day_window: 1.5,
    });
    expect(named(second).customer_nb_tx_1day_over_30day_daily_rate).toBeCloseTo(30, 12);
    // The same transaction again (a re-score) counts nothing twice; v2 of it from the same state has v3's ratios.
    expect(await computeAndRecord(b, state, RAW_FEATURES_V3)).toEqual(second);
    const v2 = await computeAndRecord(b, state, RAW_FEATURES_V2);
    expect(RAW_FEATURES_V3.names.map((n) => v2[RAW_FEATURES_V2.names.indexOf(n)])).toEqual(second);
    await state.close();
  });
});
