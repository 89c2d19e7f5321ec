// Every feature state (in memory; SQLite file; a real redis-server) records a transaction once whatever the redeliveries,
// serves exact windows however its events arrived, applies late labels once, and keeps each entity's history by time.
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { MemoryFeatureState } from '../../shared/features/raw/memory-state.ts';
import { SqliteFeatureState } from '../../shared/features/raw/sqlite/sqlite-state.ts';
import { RedisFeatureState } from '../../shared/features/raw/redis/redis-state.ts';
import { computeAndRecord, type RawTx } from '../../shared/features/raw/compute.ts';
import { RAW_FEATURES, STATE_KEEP_SECONDS } from '../../shared/features/raw/spec.ts';
import type { FeatureState, RetentionOptions, TxEvent } from '../../shared/features/raw/port.ts';
import { aggregate, DAY_MS, toMs } from '../../shared/features/raw/windows.ts';
import { freshNamespace, redisAvailable, testLink } from '../helpers/redis.ts';
import { tempDir } from '../helpers/tmp.ts';

const dir = tempDir('fraudflow-state-');
afterAll(() => dir.cleanup());
const withRedis = await redisAvailable('feature state contract: redis');

type Make = (options?: RetentionOptions) => FeatureState;
const IMPLEMENTATIONS: Array<[string, Make]> = [
  ['memory', (o) => new MemoryFeatureState(o)],
  ['sqlite', (o) => new SqliteFeatureState(join(dir.path, `state-${Math.random().toString(36).slice(2)}.sqlite`), o)],
  ...(withRedis
    ? [
        [
          'redis',
          (o?: RetentionOptions) => new RedisFeatureState(testLink(), { ...o, namespace: freshNamespace('contract') }),
        ] as [string, Make],
      ]
    : []),
];
const count1d = RAW_FEATURES.names.indexOf('customer_id_nb_tx_1day_window');
const tx = (id: string, at: string, amount = 10): RawTx => ({
  transaction_id: id,
  tx_datetime: at,
  customer_id: 'c1',
  terminal_id: 't1',
  amount,
});
/** The wall clock of these tests: the simulated data's own time, so retention sees none of it as future. */
const clockAt = (iso: string) => () => Date.parse(iso) / 1000;

/** A deterministic pseudo-random stream (mulberry32): the same histories on every run. */
function random(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let r = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    r = (r + Math.imul(r ^ (r >>> 7), 61 | r)) ^ r;
    return ((r ^ (r >>> 14)) >>> 0) / 4294967296;
  };
}

describe.each(IMPLEMENTATIONS)('feature state (%s)', (_name, make) => {
  it('records a redelivered transaction once, and gives it the same features again', async () => {
    const state = make();
    const first = await computeAndRecord(tx('a', '2026-03-02T08:00:00Z'), state);
    const again = await computeAndRecord(tx('a', '2026-03-02T08:00:00Z'), state);
    expect(again).toEqual(first);
    expect(await state.keptEvents('customer', 'c1')).toBe(1);
    expect(await state.keptEvents('terminal', 't1')).toBe(1);
    const next = await computeAndRecord(tx('b', '2026-03-02T09:00:00Z', 30), state);
    expect(next[count1d]).toBe(2);
    expect(next[count1d + 1]).toBe(20);
    await state.close();
  });

  it('re-scoring an older transaction counts only what came before it', async () => {
    const state = make();
    for (const [id, at] of [
      ['x1', '2026-03-02T08:00:00Z'],
      ['x2', '2026-03-02T09:00:00Z'],
      ['x3', '2026-03-02T10:00:00Z'],
    ] as const)
      await computeAndRecord(tx(id, at), state);
    const rescored = await computeAndRecord(tx('x2', '2026-03-02T09:00:00Z'), state);
    expect(rescored[count1d]).toBe(2);
    await state.close();
  });

  it('gives the exact windows of events appended out of order, on and beside every window edge', async () => {
    const rnd = random(7);
    const state = make({ keepSeconds: Number.POSITIVE_INFINITY });
    const t0 = Date.parse('2026-05-20T12:34:56.789Z');
    const events: TxEvent[] = [];
    // Events on and beside the edges the reads below use (0, 1, 7, 8, 14, 30, 37 days back: a millisecond, a minute,
    // an hour either side), the same around a midnight (where whole minutes, hours and days line up with the edges),
    // and 400 spread over 40 days: every piece of the bucket decomposition is exercised.
    const offsets: number[] = [];
    const midnight = t0 - Date.parse('2026-05-20T00:00:00Z');
    for (const d of [0, 1, 7, 8, 14, 30, 37])
      for (const delta of [-60_001, -60_000, -59_999, -1, 0, 1, 1000, 60_000, 3_600_000])
        offsets.push(d * DAY_MS + delta, d * DAY_MS + midnight + delta);
    for (let i = 0; i < 400; i++) offsets.push(Math.floor(rnd() * 40 * DAY_MS));
    for (let i = 0; i < offsets.length; i++) {
      const e: TxEvent = {
        txId: `e${i}`,
        t: (t0 - offsets[i]!) / 1000,
        amountCents: Math.floor(rnd() * 100_000),
        label: rnd() < 0.2 ? 1 : rnd() < 0.5 ? 0 : null,
      };
      events.push(e);
    }
    for (const i of events.map((_, i) => i).sort(() => rnd() - 0.5)) await state.append('c1', 't1', events[i]!);
    // Labels arrive later: some set, some changed, some set twice.
    const labelled = events.map((e) => ({ ...e }));
    for (let i = 0; i < labelled.length; i += 3) {
      const label = rnd() < 0.3 ? 1 : 0;
      labelled[i] = { ...labelled[i]!, label };
      await state.setLabel(labelled[i]!.txId, label);
      if (i % 2 === 0) await state.setLabel(labelled[i]!.txId, label);
    }
    for (const at of [t0, t0 - 1, t0 + 1, t0 - midnight, t0 - midnight - 1, t0 - 3 * DAY_MS + 17, t0 + 5 * DAY_MS]) {
      for (const txId of ['new', 'e0', 'e5']) {
        const q = { customerId: 'c1', terminalId: 't1', txId, t: at / 1000 };
        expect(await state.windows(q)).toEqual(aggregate(toMs(q.t), txId, labelled, labelled));
      }
    }
    const any = await state.windows({ customerId: 'c1', terminalId: 't1', txId: 'new', t: t0 / 1000 });
    expect(any.customer[2]!.count).toBeGreaterThan(100);
    expect(any.terminal[2]!.frauds).toBeGreaterThan(0);
    await state.close();
  });

  it('gives exact windows while a customer grows past 64 events in its window (the few-events read and the block sums)', async () => {
    const rnd = random(11);
    const state = make({ keepSeconds: Number.POSITIVE_INFINITY });
    const t0 = Date.parse('2026-05-20T12:34:56.789Z');
    const events: TxEvent[] = [];
    for (let i = 0; i < 80; i++) {
      // First on and beside the edges of a read at t0 (0, 1, 7 and 30 days back), then spread over 31 days.
      const offset =
        i < 12 ? [0, DAY_MS, 7 * DAY_MS, 30 * DAY_MS][i % 4]! + [-1, 0, 1][Math.floor(i / 4)]! : rnd() * 31 * DAY_MS;
      const e: TxEvent = { txId: `f${i}`, t: Math.floor(t0 - offset) / 1000, amountCents: i * 37, label: null };
      events.push(e);
      await state.append('c1', 't1', e);
      for (const txId of ['new', 'f1', `f${i}`]) {
        const q = { customerId: 'c1', terminalId: 't1', txId, t: t0 / 1000 };
        expect(await state.windows(q), `${i + 1} events, read as ${txId}`).toEqual(
          aggregate(toMs(q.t), txId, events, events),
        );
      }
    }
    const last = await state.windows({ customerId: 'c1', terminalId: 't1', txId: 'new', t: t0 / 1000 });
    expect(last.customer[2]!.count).toBeGreaterThan(64);
    await state.close();
  });

  it('applies a late label once, whatever its redeliveries, and ignores a label for an unknown transaction', async () => {
    const state = make();
    const at = '2026-03-01T10:00:00Z';
    await computeAndRecord({ ...tx('f1', at), terminal_id: 'tl' }, state);
    await computeAndRecord({ ...tx('f2', '2026-03-01T11:00:00Z'), terminal_id: 'tl' }, state);
    for (let i = 0; i < 3; i++) await state.setLabel('f1', 1);
    await state.setLabel('unknown', 1);
    const q = { customerId: 'c1', terminalId: 'tl', txId: 'z', t: Date.parse('2026-03-08T12:00:00Z') / 1000 };
    expect((await state.windows(q)).terminal[0]).toEqual({ count: 2, frauds: 1 });
    await state.setLabel('f1', 0);
    await state.setLabel('f2', 1);
    await state.setLabel('f2', 1);
    expect((await state.windows(q)).terminal[0]).toEqual({ count: 2, frauds: 1 });
    await state.close();
  });

  it.each([
    ['2100-12-31T23:59:59Z', 'the latest time the grammar admits'],
    ['9999-12-31T23:59:59Z', 'past the grammar, as a state fed by another path could see'],
  ])('keeps the real history when one transaction is dated %s (%s)', async (far) => {
    const clock = clockAt('2026-04-30T00:00:00Z');
    const state = make({ clock });
    const reference = make({ clock });
    const start = Date.parse('2026-04-01T00:00:00Z');
    const real = (i: number): RawTx => ({
      ...tx(`r${i}`, new Date(start + i * 3 * 3_600_000).toISOString()),
      terminal_id: 'tf',
      amount: 1 + (i % 7),
    });
    for (let i = 0; i < 200; i++) {
      await computeAndRecord(real(i), state);
      await computeAndRecord(real(i), reference);
    }
    // Recorded directly, so a time the wire grammar refuses still reaches the state's own retention.
    await state.append('c1', 'tf', { txId: 'far', t: Date.parse(far) / 1000, amountCents: 100, label: null });
    for (let i = 200; i < 232; i++)
      expect(await computeAndRecord(real(i), state)).toEqual(await computeAndRecord(real(i), reference));
    expect(await state.keptEvents('customer', 'c1')).toBe((await reference.keptEvents('customer', 'c1')) + 1);
    expect(await state.keptEvents('terminal', 'tf')).toBe((await reference.keptEvents('terminal', 'tf')) + 1);
    expect(await reference.keptEvents('customer', 'c1')).toBe(232);
    await state.close();
    await reference.close();
  });

  it('keeps each entity by its own time: a long stream stays bounded and gives the features of an unpruned state', async () => {
    const pruned = make({ clock: clockAt('2026-04-01T00:00:00Z') });
    const reference = make({ keepSeconds: Number.POSITIVE_INFINITY });
    const start = Date.parse('2026-01-01T00:00:00Z');
    for (let i = 0; i < 90 * 4; i++) {
      const t: RawTx = {
        transaction_id: `p${i}`,
        tx_datetime: new Date(start + i * 6 * 3_600_000).toISOString(),
        customer_id: 'c1',
        terminal_id: `t${i % 3}`,
        amount: 5 + (i % 11),
        label: i % 13 === 0 ? 1 : 0,
      };
      expect(await computeAndRecord(t, pruned)).toEqual(await computeAndRecord(t, reference));
    }
    // Another customer, quiet since January: its history is its own, untouched by c1's newer events.
    await computeAndRecord({ ...tx('q1', '2026-01-02T00:00:00Z'), customer_id: 'quiet' }, pruned);
    expect(await reference.keptEvents('customer', 'c1')).toBe(360);
    const keep = STATE_KEEP_SECONDS / (6 * 3600);
    // Memory drops lazily (more than 64 events and the oldest beyond the horizon): at most 64 beyond what must stay.
    expect(await pruned.keptEvents('customer', 'c1')).toBeGreaterThanOrEqual(keep);
    expect(await pruned.keptEvents('customer', 'c1')).toBeLessThanOrEqual(keep + 65);
    expect(await pruned.keptEvents('customer', 'quiet')).toBe(1);
    await pruned.close();
    await reference.close();
  });
});

describe('Redis feature state without a server', () => {
  it('fails with a retriable FEATURES_UNAVAILABLE error, not a hang', async () => {
    const { ioredisLink } = await import('../../shared/features/raw/redis/ioredis-link.ts');
    const { createServer } = await import('node:net');
    const port = await new Promise<number>((resolve) => {
      const s = createServer().listen(0, '127.0.0.1', () => {
        const p = (s.address() as { port: number }).port;
        s.close(() => resolve(p));
      });
    });
    const state = new RedisFeatureState(ioredisLink({ host: '127.0.0.1', port, tls: false, db: 0 }));
    const started = Date.now();
    const error = await computeAndRecord(tx('down', '2026-03-02T08:00:00Z'), state).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'FEATURES_UNAVAILABLE', retriable: true });
    expect(Date.now() - started).toBeLessThan(10_000);
    await state.close();
  });
});
