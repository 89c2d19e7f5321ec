// The transaction simulator: deterministic for a seed, sorted in time, valid raw rows, each fraud scenario present.
import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import { simulateDays, type SimulatedTransaction } from '../../shared/simulator/generate.ts';
import { writeSimulation, RAW_HEADER } from '../../shared/simulator/write.ts';
import { RawTransaction } from '../../shared/schema/raw.ts';
import { tempDir } from '../helpers/tmp.ts';

const run = (seed: number): SimulatedTransaction[] =>
  [...simulateDays({ customers: 300, terminals: 600, days: 40, seed, startDate: '2026-04-01' })].flat();

describe('transaction simulator', () => {
  const a = run(5);

  it('gives the same transactions for the same seed, and others for another', () => {
    expect(run(5)).toEqual(a);
    expect(run(6)).not.toEqual(a);
  });

  it('writes time-sorted rows that pass the raw schema', () => {
    for (let i = 1; i < a.length; i++) expect(a[i]!.tx_datetime >= a[i - 1]!.tx_datetime).toBe(true);
    for (const t of a.slice(0, 2000)) expect(RawTransaction.safeParse(t).success).toBe(true);
  });

  it('produces all three fraud scenarios, at handbook-like rates, and every amount over 220 is fraud', () => {
    const by = [0, 0, 0, 0];
    for (const t of a) by[t.fraud_scenario]!++;
    expect(by[1]).toBeGreaterThan(0);
    expect(by[2]).toBeGreaterThan(0);
    expect(by[3]).toBeGreaterThan(0);
    const rate = (by[1]! + by[2]! + by[3]!) / a.length;
    // 2 of only 600 terminals compromised a day for 28 days taint ~9% of them: a higher rate than the
    // handbook's 0.8% with 10,000 terminals, as expected at this small scale.
    expect(rate).toBeGreaterThan(0.002);
    expect(rate).toBeLessThan(0.15);
    for (const t of a) if (t.amount > 220) expect(t.label).toBe(1);
    for (const t of a) expect(t.label).toBe(t.fraud_scenario === 0 ? 0 : 1);
  });

  it('streams a CSV whose counts match the summary', async () => {
    const dir = tempDir('fraudflow-sim-');
    const file = join(dir.path, 'sim.csv');
    const s = await writeSimulation(file, {
      customers: 300,
      terminals: 600,
      days: 40,
      seed: 5,
      startDate: '2026-04-01',
    });
    const lines = readFileSync(file, 'utf8').trim().split('\n');
    expect(lines[0]).toBe(RAW_HEADER);
    expect(lines.length - 1).toBe(s.rows);
    expect(s.rows).toBe(a.length);
    expect(s.frauds).toBe(a.filter((t) => t.label === 1).length);
    dir.cleanup();
  });
});
