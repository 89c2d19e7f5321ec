// Both feature states (in memory; SQLite file) record a transaction once, whatever the redeliveries, and serve windows by time.
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { MemoryFeatureState } from '../../shared/features/raw/memory-state.ts';
import { SqliteFeatureState } from '../../shared/features/raw/sqlite-state.ts';
import { computeAndRecord, type RawTx } from '../../shared/features/raw/compute.ts';
import { RAW_FEATURES } from '../../shared/features/raw/spec.ts';
import type { FeatureState } from '../../shared/features/raw/state-port.ts';
import { tempDir } from '../helpers/tmp.ts';

const dir = tempDir('fraudflow-state-');
afterAll(() => dir.cleanup());

const IMPLEMENTATIONS: Array<[string, () => FeatureState]> = [
  ['memory', () => new MemoryFeatureState()],
  ['sqlite', () => new SqliteFeatureState(join(dir.path, `state-${Math.random().toString(36).slice(2)}.sqlite`))],
];
const count1d = RAW_FEATURES.names.indexOf('customer_id_nb_tx_1day_window');
const tx = (id: string, at: string, amount = 10): RawTx => ({
  transaction_id: id,
  tx_datetime: at,
  customer_id: 'c1',
  terminal_id: 't1',
  amount,
});

describe.each(IMPLEMENTATIONS)('feature state (%s)', (_name, make) => {
  it('records a redelivered transaction once, and gives it the same features again', async () => {
    const state = make();
    const first = await computeAndRecord(tx('a', '2026-03-02T08:00:00Z'), state);
    const again = await computeAndRecord(tx('a', '2026-03-02T08:00:00Z'), state);
    expect(again).toEqual(first);
    expect(await state.customerEvents('c1', 0)).toHaveLength(1);
    expect(await state.terminalEvents('t1', 0, Number.MAX_SAFE_INTEGER)).toHaveLength(1);
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
});

describe('SQLite feature state over a long stream', () => {
  it('prunes what no window reaches, and gives the very features of an unpruned state', async () => {
    const pruned = new SqliteFeatureState(join(dir.path, 'pruned.sqlite'), { pruneEvery: 50 });
    const reference = new SqliteFeatureState(join(dir.path, 'reference.sqlite'), {
      pruneEvery: Number.MAX_SAFE_INTEGER,
    });
    const start = Date.parse('2026-01-01T00:00:00Z');
    for (let i = 0; i < 90 * 4; i++) {
      const at = new Date(start + i * 6 * 3_600_000).toISOString().replace('.000', '');
      const t: RawTx = {
        transaction_id: `p${i}`,
        tx_datetime: at,
        customer_id: 'c1',
        terminal_id: `t${i % 3}`,
        amount: 5 + (i % 11),
        ...(i % 13 === 0 ? { label: 1 as const } : { label: 0 as const }),
      };
      expect(await computeAndRecord(t, pruned)).toEqual(await computeAndRecord(t, reference));
    }
    const kept = await pruned.customerEvents('c1', 0);
    expect((await reference.customerEvents('c1', 0)).length).toBe(360);
    // 38 days of 4 a day, plus what arrived since the last prune.
    expect(kept.length).toBeLessThanOrEqual(38 * 4 + 50);
    expect(kept[0]!.t).toBeGreaterThanOrEqual(kept[kept.length - 1]!.t - 38 * 86_400 - 50 * 6 * 3600);
    await pruned.close();
    await reference.close();
  });
});
