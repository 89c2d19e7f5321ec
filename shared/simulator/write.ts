// Streams a simulation to a raw-format CSV with back-pressure, and counts what it wrote per fraud scenario.
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { simulateDays, type SimulatorOptions } from './generate.ts';

export const RAW_HEADER = 'transaction_id,tx_datetime,customer_id,terminal_id,amount,label,fraud_scenario';

export interface SimulationSummary {
  readonly file: string;
  readonly rows: number;
  readonly frauds: number;
  readonly fraud_rate: number;
  readonly by_scenario: Record<
    'amount_over_220' | 'compromised_terminal' | 'compromised_customer',
    { rows: number; rate: number }
  >;
  readonly elapsed_ms: number;
  readonly rows_per_s: number;
  readonly peak_rss_mb: number;
}

export async function writeSimulation(path: string, options: SimulatorOptions): Promise<SimulationSummary> {
  const started = performance.now();
  const out = createWriteStream(path, { highWaterMark: 1 << 20 });
  out.write(RAW_HEADER + '\n');
  const scenarios = [0, 0, 0, 0];
  let rows = 0;
  let peak = 0;
  for (const day of simulateDays(options)) {
    const text = day
      .map(
        (t) =>
          `${t.transaction_id},${t.tx_datetime},${t.customer_id},${t.terminal_id},${t.amount.toFixed(2)},${t.label},${t.fraud_scenario}`,
      )
      .join('\n');
    for (const t of day) scenarios[t.fraud_scenario]!++;
    rows += day.length;
    if (text && !out.write(text + '\n')) await once(out, 'drain');
    peak = Math.max(peak, process.memoryUsage().rss);
  }
  out.end();
  await once(out, 'finish');
  const elapsed = performance.now() - started;
  const frauds = scenarios[1]! + scenarios[2]! + scenarios[3]!;
  const share = (n: number) => ({ rows: n, rate: rows ? n / rows : 0 });
  return {
    file: path,
    rows,
    frauds,
    fraud_rate: rows ? frauds / rows : 0,
    by_scenario: {
      amount_over_220: share(scenarios[1]!),
      compromised_terminal: share(scenarios[2]!),
      compromised_customer: share(scenarios[3]!),
    },
    elapsed_ms: Math.round(elapsed),
    rows_per_s: Math.round(rows / Math.max(elapsed / 1000, 1e-3)),
    peak_rss_mb: Math.round(peak / 2 ** 20),
  };
}
