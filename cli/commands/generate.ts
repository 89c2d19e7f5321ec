// `fraudflow generate`: raw card transactions from the Fraud Detection Handbook's simulator, streamed to a CSV.
import type { Command } from 'commander';
import { FraudflowError } from '../../shared/errors.ts';
import { table } from '../output.ts';
import { nonNegativeInt, positiveInt } from '../args.ts';

export function registerGenerate(program: Command): void {
  program
    .command('generate')
    .description('simulate raw transactions (customers, terminals, three fraud scenarios) as a raw-format CSV')
    .option('--customers <n>', 'customers', positiveInt, 5000)
    .option('--terminals <n>', 'terminals', positiveInt, 10_000)
    .option('--days <n>', 'days', positiveInt, 90)
    .option('--seed <n>', 'seed: the same seed gives the same file', nonNegativeInt, 1)
    .option('--start-date <date>', 'first day (UTC)', '2026-04-01')
    .requiredOption('--out <file>', 'CSV to write')
    .option('--json', 'print the summary as JSON')
    .action(
      async (o: {
        customers: number;
        terminals: number;
        days: number;
        seed: number;
        startDate: string;
        out: string;
        json?: boolean;
      }) => {
        if (!/^\d{4}-\d{2}-\d{2}$/.test(o.startDate))
          throw new FraudflowError('INPUT_INVALID', `--start-date must be YYYY-MM-DD, got ${o.startDate}`);
        const { writeSimulation } = await import('../../shared/simulator/write.ts');
        const s = await writeSimulation(o.out, {
          customers: o.customers,
          terminals: o.terminals,
          days: o.days,
          seed: o.seed,
          startDate: o.startDate,
        });
        if (o.json) return void process.stdout.write(JSON.stringify(s, null, 2) + '\n');
        process.stdout.write(
          `${s.rows} transactions to ${s.file} in ${s.elapsed_ms} ms (${s.rows_per_s} rows/s, peak RSS ${s.peak_rss_mb} MB); fraud rate ${(100 * s.fraud_rate).toFixed(3)}%\n`,
        );
        process.stdout.write(
          table(
            Object.entries(s.by_scenario).map(([scenario, v]) => ({
              scenario,
              rows: v.rows,
              rate_pct: Number((100 * v.rate).toFixed(3)),
            })),
          ) + '\n',
        );
      },
    );
}
