// Spec v2 and v3 features computed online, one transaction at a time from each feature state (memory, SQLite, a real
// redis-server), with labels arriving up to six days late and some never arriving, equal the offline ones bit for bit
// (v3 also equals retrain's offline window sums).
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { simulateDays } from '../../shared/simulator/generate.ts';
import { offlineFeatures } from '../../shared/features/raw/offline.ts';
import { computeAndRecord, type RawTx } from '../../shared/features/raw/compute.ts';
import { MemoryFeatureState } from '../../shared/features/raw/memory-state.ts';
import { SqliteFeatureState } from '../../shared/features/raw/sqlite/sqlite-state.ts';
import { RedisFeatureState } from '../../shared/features/raw/redis/redis-state.ts';
import { RAW_FEATURES, RAW_FEATURES_V2, RAW_FEATURES_V3, type RawFeatureSpec } from '../../shared/features/raw/spec.ts';
import { OfflineRawFeatures } from '../../functions/retrain/raw-features.ts';
import type { FeatureState } from '../../shared/features/raw/port.ts';
import { txEpochMs } from '../../shared/schema/raw.ts';
import { freshNamespace, redisAvailable, testLink } from '../helpers/redis.ts';
import { tempDir } from '../helpers/tmp.ts';
import { historyTxOf } from '../helpers/history-tx.ts';

const dir = tempDir('fraudflow-v2-parity-');
afterAll(() => dir.cleanup());
const withRedis = await redisAvailable('features v2 online = offline: redis');
// Redis answers over the network (a shared server): a smaller population, the same 40 days.
type Case = [string, number, () => FeatureState];
const STATES: Case[] = [
  ['memory', 80, () => new MemoryFeatureState()],
  ['sqlite', 80, () => new SqliteFeatureState(join(dir.path, `v2-${Math.random().toString(36).slice(2)}.sqlite`))],
  ...(withRedis
    ? [['redis', 16, () => new RedisFeatureState(testLink(), { namespace: freshNamespace('v2parity') })] as Case]
    : []),
];

/** 40 days: the terminal windows behind the 7-day delay fill, and customers come back to terminals they used. */
function simulated(customers: number): RawTx[] {
  const o = { customers, terminals: customers / 2, days: 40, seed: 19, startDate: '2026-04-01', radius: 15 };
  // Every 9th transaction never gets a label: it still counts in every window, as online.
  return [...simulateDays(o)].flat().map((tx, i) => (i % 9 === 4 ? (({ label: _l, ...rest }) => rest)(tx) : tx));
}
const history = simulated(80);

/** Retrain's offline features of spec v3 (running window sums and the ratios) over the same history. */
function windowSums(history: readonly RawTx[]): number[][] {
  const fast = new OfflineRawFeatures(new Set(), RAW_FEATURES_V3);
  return history.map((tx) => fast.next(historyTxOf(tx)));
}

const SPECS: Array<[string, RawFeatureSpec]> = [
  ['v2', RAW_FEATURES_V2],
  ['v3', RAW_FEATURES_V3],
];

describe.each(STATES)('spec v2 and v3 online = offline (%s state)', (_name, customers, make) => {
  it.each(SPECS)(
    'spec %s: every transaction of 40 simulated days, labels late or never, bit for bit',
    async (v, spec) => {
      const history = simulated(customers);
      const offline: number[][] = [];
      for await (const r of offlineFeatures(history, spec)) offline.push(r.features);
      const fast = v === 'v3' ? windowSums(history) : offline;
      const state = make();
      // One queue per lateness (0..6 days): each stays in time order as transactions arrive in time order.
      const pending: Array<Array<{ at: number; id: string; label: 0 | 1 }>> = Array.from({ length: 7 }, () => []);
      let mismatches = 0;
      const used = RAW_FEATURES_V2.names.indexOf('customer_used_terminal_30day_window');
      const risk = spec.names.indexOf('terminal_id_risk_30day_window');
      const ratio = spec.names.indexOf('amount_over_customer_avg_7day_window');
      const exercised = { used: 0, risk: 0, ratio: 0 };
      for (let i = 0; i < history.length; i++) {
        const tx = history[i]!;
        const t = txEpochMs(tx.tx_datetime) / 1000;
        for (const queue of pending)
          while (queue.length && queue[0]!.at <= t) {
            const p = queue.shift()!;
            await state.setLabel(p.id, p.label);
          }
        const { label, ...unlabelled } = tx;
        const online = await computeAndRecord(unlabelled, state, spec);
        // Late by 0 to 6 days (inside the 7-day delay, so no terminal window has reached it yet).
        if (label !== undefined) pending[i % 7]!.push({ at: t + (i % 7) * 86_400, id: tx.transaction_id, label });
        for (let f = 0; f < online.length; f++)
          if (!Object.is(online[f], offline[i]![f]) || !Object.is(online[f], fast[i]![f])) mismatches++;
        if (online[used] === 1) exercised.used++;
        if (online[risk]! > 0) exercised.risk++;
        if (online[ratio] !== 1) exercised.ratio++;
      }
      await state.close();
      expect([offline[0]!.length, fast[0]!.length]).toEqual([spec.names.length, spec.names.length]);
      expect(mismatches).toBe(0);
      if (v === 'v2') expect(exercised.used).toBeGreaterThan(history.length / 10);
      expect(exercised.ratio).toBeGreaterThan(history.length / 2);
      expect(history.length).toBeGreaterThan(customers * 40);
      expect(exercised.risk).toBeGreaterThan(0);
    },
    180_000,
  );
});

describe('spec v2 beside v1', () => {
  it("v2's first columns are v1's features of the same history", async () => {
    const offline: number[][] = [];
    for await (const r of offlineFeatures(history, RAW_FEATURES_V2)) offline.push(r.features);
    let i = 0;
    for await (const r of offlineFeatures(history.slice(0, 2000))) {
      expect(offline[i]!.slice(0, RAW_FEATURES.names.length)).toEqual(r.features);
      i++;
    }
    expect(i).toBe(2000);
  });
});

describe('spec v3 beside v2', () => {
  it("v3's columns are v2's same-named columns of the same history, bit for bit", async () => {
    const v2: number[][] = [];
    for await (const r of offlineFeatures(history, RAW_FEATURES_V2)) v2.push(r.features);
    const at = RAW_FEATURES_V3.names.map((n) => RAW_FEATURES_V2.names.indexOf(n));
    expect(at.every((c) => c >= 0)).toBe(true);
    let i = 0;
    let differ = 0;
    for await (const r of offlineFeatures(history, RAW_FEATURES_V3)) {
      at.forEach((c, k) => {
        if (!Object.is(r.features[k], v2[i]![c])) differ++;
      });
      i++;
    }
    expect(i).toBe(history.length);
    expect(differ).toBe(0);
  });
});
