// `fraudflow sql "<query>"`: SQL on the warehouse (the stream's history), as a table or JSON rows.
import type { Command } from 'commander';
import type { RuntimeFactory } from '../main.ts';
import { table } from '../output.ts';

export function registerSql(program: Command, runtime: RuntimeFactory): void {
  program
    .command('sql')
    .description(
      'run SQL on the warehouse (the DuckDB file, or BigQuery when BIGQUERY_PROJECT is set) and print the rows',
    )
    .argument('<query>', 'e.g. "select count(*) from transactions"')
    .option('--json', 'print JSON rows')
    .action(async (query: string, opts: { json?: boolean }) => {
      const w = await runtime().warehouse();
      const rows: Array<Record<string, unknown>> = [];
      for await (const page of w.query(query)) rows.push(...page);
      const plain = rows.map((r) =>
        Object.fromEntries(
          Object.entries(r).map(([k, v]) => [
            k,
            typeof v === 'bigint' ? Number(v) : v instanceof Date ? v.toISOString() : v,
          ]),
        ),
      );
      process.stdout.write((opts.json ? JSON.stringify(plain, null, 2) : table(plain)) + '\n');
    });
}
