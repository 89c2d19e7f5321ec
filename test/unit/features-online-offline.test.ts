// Features computed online, one transaction at a time from the SQLite state store with labels arriving late,
// equal the offline ones for every transaction of a simulated month, to the last bit.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { simulateDays } from '../../shared/simulator/generate.ts';
import { offlineFeatures } from '../../shared/features/raw/offline.ts';
import { computeAndRecord, featuresFrom, type RawTx } from '../../shared/features/raw/compute.ts';
import { SqliteFeatureState } from '../../shared/features/raw/sqlite/sqlite-state.ts';
import { RAW_FEATURES } from '../../shared/features/raw/spec.ts';
import { txEpochMs } from '../../shared/schema/raw.ts';
import { tempDir } from '../helpers/tmp.ts';

describe('raw transaction features', () => {
  it('online equals offline for every transaction of a simulated month, bit for bit', async () => {
    const month = [
      ...simulateDays({ customers: 200, terminals: 100, days: 30, seed: 11, startDate: '2026-04-01', radius: 15 }),
    ].flat();
    expect(month.length).toBeGreaterThan(5000);
    const offline: number[][] = [];
    for await (const r of offlineFeatures(month)) offline.push(r.features);

    const dir = tempDir('fraudflow-features-');
    const state = new SqliteFeatureState(join(dir.path, 'features.sqlite'));
    // Online, labels are not on the transaction: they arrive two days later (inside the 7-day delay).
    const pending: Array<{ at: number; id: string; label: 0 | 1 }> = [];
    let mismatches = 0;
    let fraudTerminalsSeen = 0;
    for (let i = 0; i < month.length; i++) {
      const tx = month[i]!;
      const t = txEpochMs(tx.tx_datetime) / 1000;
      while (pending.length && pending[0]!.at <= t) {
        const p = pending.shift()!;
        await state.setLabel(p.id, p.label);
      }
      const { label, ...unlabelled } = tx;
      const online = await computeAndRecord(unlabelled, state);
      pending.push({ at: t + 2 * 86_400, id: tx.transaction_id, label });
      for (let f = 0; f < online.length; f++) if (!Object.is(online[f], offline[i]![f])) mismatches++;
      if (online[RAW_FEATURES.names.indexOf('terminal_id_risk_30day_window')]! > 0) fraudTerminalsSeen++;
    }
    await state.close();
    dir.cleanup();
    expect(mismatches).toBe(0);
    expect(fraudTerminalsSeen).toBeGreaterThan(0); // the risk features were exercised, not all zero
  }, 60_000);

  it('computes the windows as worked out by hand', () => {
    const at = (iso: string) => Date.parse(iso) / 1000;
    const tx: RawTx = {
      transaction_id: 'x',
      tx_datetime: '2026-04-11T05:00:00Z',
      customer_id: 'c',
      terminal_id: 't',
      amount: 30,
    };
    const t = at(tx.tx_datetime);
    const customer = [
      { txId: 'a', t: at('2026-03-15T05:00:00Z'), amountCents: 1000, label: 0 as const }, // 27 days before: in the 30-day window only
      { txId: 'b', t: at('2026-04-05T05:00:00Z'), amountCents: 2000, label: 0 as const }, // 6 days: 7- and 30-day windows
      { txId: 'c', t: at('2026-04-11T01:00:00Z'), amountCents: 4000, label: 0 as const }, // 4 hours: every window
    ];
    const terminal = [
      { txId: 'p', t: at('2026-04-03T06:00:00Z'), amountCents: 1, label: 1 as const }, // 7d23h ago: delayed window (t-8d, t-7d]
      { txId: 'q', t: at('2026-03-30T05:00:00Z'), amountCents: 1, label: 0 as const }, // 12 days ago: 7- and 30-day delayed windows
      { txId: 'r', t: at('2026-03-20T05:00:00Z'), amountCents: 1, label: 1 as const }, // 22 days ago: 30-day delayed window
    ];
    const f = featuresFrom(tx, t, customer, terminal);
    const named = Object.fromEntries(RAW_FEATURES.names.map((n, i) => [n, f[i]]));
    // Saturday 2026-04-11, 05:00 UTC: weekend, night (hour <= 6)
    expect(named).toMatchObject({ tx_amount: 30, tx_during_weekend: 1, tx_during_night: 1 });
    // customer: 1 day = {c, x} -> 2, (40+30)/2 = 35 ; 7 days = {b, c, x} -> 3, 90/3 = 30 ; 30 days = all -> 4, 100/4 = 25
    expect(named).toMatchObject({
      customer_id_nb_tx_1day_window: 2,
      customer_id_avg_amount_1day_window: 35,
      customer_id_nb_tx_7day_window: 3,
      customer_id_avg_amount_7day_window: 30,
      customer_id_nb_tx_30day_window: 4,
      customer_id_avg_amount_30day_window: 25,
    });
    // terminal, 7 days late: 1-day = {p} 1/1 ; 7-day = {p, q} 1/2 ; 30-day = {p, q, r} 2/3
    expect(named).toMatchObject({
      terminal_id_nb_tx_1day_window: 1,
      terminal_id_risk_1day_window: 1,
      terminal_id_nb_tx_7day_window: 2,
      terminal_id_risk_7day_window: 0.5,
      terminal_id_nb_tx_30day_window: 3,
      terminal_id_risk_30day_window: 2 / 3,
    });
  });
});
