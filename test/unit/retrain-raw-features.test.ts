// Retrain's offline features (running window sums, synchronous) equal the shared offline features (the reference
// aggregation on the memory state) for every row of a simulated month, repeated ids and unlabelled rows included,
// for spec v1 and spec v3 (v1 and the ratios); v2 needs the state's v2 aggregates and is refused.
import { describe, expect, it } from 'vitest';
import { simulateDays } from '../../shared/simulator/generate.ts';
import { offlineFeatures } from '../../shared/features/raw/offline.ts';
import type { RawTx } from '../../shared/features/raw/compute.ts';
import { txEpochMs } from '../../shared/schema/raw.ts';
import { OfflineRawFeatures } from '../../functions/retrain/raw-features.ts';
import { historyTxOf } from '../helpers/history-tx.ts';
import { RAW_FEATURES, RAW_FEATURES_V2, RAW_FEATURES_V3 } from '../../shared/features/raw/spec.ts';

/** A month with every 50th transaction sent again a little later (same id) and every 7th without its label. */
function month(): RawTx[] {
  const txs = [
    ...simulateDays({ customers: 150, terminals: 80, days: 45, seed: 5, startDate: '2026-02-01', radius: 15 }),
  ].flat();
  const out: RawTx[] = [];
  txs.forEach((tx, i) => {
    const { label: _label, ...unlabelled } = tx;
    out.push(i % 7 === 0 ? unlabelled : tx);
    if (i % 50 === 0 && i + 3 < txs.length) out.push({ ...tx, tx_datetime: txs[i + 3]!.tx_datetime });
  });
  return out.sort((a, b) => txEpochMs(a.tx_datetime) - txEpochMs(b.tx_datetime));
}

describe('retrain offline raw features', () => {
  it.each([
    ['v1', RAW_FEATURES],
    ['v3', RAW_FEATURES_V3],
  ])(
    '%s: equal the shared offline features bit for bit, repeated ids and unlabelled rows included',
    async (_v, spec) => {
      const history = month();
      const ids = new Map<string, number>();
      for (const tx of history) ids.set(tx.transaction_id, (ids.get(tx.transaction_id) ?? 0) + 1);
      const repeated = new Set([...ids].filter(([, n]) => n > 1).map(([id]) => id));
      expect(repeated.size).toBeGreaterThan(50);
      const fast = new OfflineRawFeatures(repeated, spec);
      let rows = 0;
      let mismatches = 0;
      for await (const { tx, features } of offlineFeatures(history, spec)) {
        const got = fast.next(historyTxOf(tx));
        if (got.length !== spec.names.length || features.length !== spec.names.length) mismatches++;
        for (let f = 0; f < features.length; f++) if (!Object.is(got[f], features[f])) mismatches++;
        rows++;
      }
      expect(rows).toBe(history.length);
      expect(rows).toBeGreaterThan(8000);
      expect(mismatches).toBe(0);
    },
  );

  it('refuses spec v2, whose features need the v2 aggregates, rather than computing them without', () => {
    expect(() => new OfflineRawFeatures(new Set(), RAW_FEATURES_V2)).toThrow(/needs the v2 aggregates/);
  });

  it('refuses a history out of time order rather than computing wrong windows', () => {
    const f = new OfflineRawFeatures();
    const tx = { txId: 'a', t: 2000, customer: 'c', terminal: 't', amount: 1, label: 0 as const };
    f.next(tx);
    expect(() => f.next({ ...tx, txId: 'b', t: 1000 })).toThrow(/out of time order/);
  });
});
