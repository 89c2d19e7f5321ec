// The raw demo's data: one Handbook simulation cut in two, a labelled history and live days whose labels are held back.
import { createWriteStream, type WriteStream } from 'node:fs';
import { once } from 'node:events';
import { simulateDays, type SimulatedTransaction } from '../../shared/simulator/generate.ts';
import { RAW_HEADER } from '../../shared/simulator/write.ts';

/** Transactions a simulated customer makes a day on average (the Handbook's profiles, measured: 1.9). */
export const TX_PER_CUSTOMER_DAY = 1.9;

export interface DemoSimulationOptions {
  readonly rows: number;
  readonly historyDays: number;
  readonly liveDays: number;
  readonly seed: number;
  readonly startDate: string;
}

/** What the fraud team will learn later: the truth of each live transaction, kept out of the live file. */
export interface LiveTruth {
  readonly transaction_id: string;
  readonly tx_datetime: string;
  readonly label: 0 | 1;
}

export interface DemoSimulation {
  readonly customers: number;
  readonly terminals: number;
  readonly history: { file: string; rows: number; frauds: number; from: string; to: string };
  readonly live: { file: string; rows: number; frauds: number; from: string; to: string };
  readonly truth: LiveTruth[];
  readonly elapsed_ms: number;
}

const LIVE_HEADER = 'transaction_id,tx_datetime,customer_id,terminal_id,amount';

/** Customers (and twice as many terminals, as in the Handbook) for about `rows` transactions over the days. */
export function populationFor(rows: number, days: number): { customers: number; terminals: number } {
  const customers = Math.max(20, Math.round(rows / (days * TX_PER_CUSTOMER_DAY)));
  return { customers, terminals: 2 * customers };
}

async function writeLines(out: WriteStream, lines: string[]): Promise<void> {
  if (lines.length && !out.write(lines.join('\n') + '\n')) await once(out, 'drain');
}

const dayOf = (t: SimulatedTransaction) => t.tx_datetime.slice(0, 10);
const historyLine = (t: SimulatedTransaction) =>
  `${t.transaction_id},${t.tx_datetime},${t.customer_id},${t.terminal_id},${t.amount.toFixed(2)},${t.label},${t.fraud_scenario}`;
const liveLine = (t: SimulatedTransaction) =>
  `${t.transaction_id},${t.tx_datetime},${t.customer_id},${t.terminal_id},${t.amount.toFixed(2)}`;

/** Writes `historyFile` (with labels) and `liveFile` (without): the live truth comes back in memory only. */
export async function simulateDemo(
  o: DemoSimulationOptions,
  historyFile: string,
  liveFile: string,
): Promise<DemoSimulation> {
  const started = performance.now();
  const days = o.historyDays + o.liveDays;
  const { customers, terminals } = populationFor(o.rows, days);
  const outs = [createWriteStream(historyFile), createWriteStream(liveFile)] as const;
  outs[0].write(RAW_HEADER + '\n');
  outs[1].write(LIVE_HEADER + '\n');
  const parts = [0, 1].map(() => ({ rows: 0, frauds: 0, from: '', to: '' }));
  const truth: LiveTruth[] = [];
  let day = 0;
  for (const txs of simulateDays({ customers, terminals, days, seed: o.seed, startDate: o.startDate })) {
    const live = day++ >= o.historyDays ? 1 : 0;
    const part = parts[live]!;
    part.rows += txs.length;
    part.frauds += txs.filter((t) => t.label === 1).length;
    if (txs.length) [part.from, part.to] = [part.from || dayOf(txs[0]!), dayOf(txs[txs.length - 1]!)];
    if (live)
      for (const t of txs) truth.push({ transaction_id: t.transaction_id, tx_datetime: t.tx_datetime, label: t.label });
    await writeLines(outs[live], txs.map(live ? liveLine : historyLine));
  }
  for (const out of outs) out.end();
  await Promise.all(outs.map((out) => once(out, 'finish')));
  return {
    customers,
    terminals,
    history: { file: historyFile, ...parts[0]! },
    live: { file: liveFile, ...parts[1]! },
    truth,
    elapsed_ms: Math.round(performance.now() - started),
  };
}
