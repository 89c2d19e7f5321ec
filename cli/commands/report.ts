// `fraudflow report`: the HTML report (curves, histogram, confusion matrix, versions, throughput, drift, verdict quality).
import { writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import type { Runtime } from '../../shared/runtime.ts';
import type { ReportData } from '../report/data.ts';
import type { RuntimeFactory } from '../main.ts';
import { table } from '../output.ts';

// The report's queries and HTML load when a report is made, not for `fraudflow --help`.
const gatherReport = async (rt: Runtime): Promise<ReportData> => (await import('../report/data.ts')).gatherReport(rt);

export async function writeReport(rt: Runtime, out: string, data?: ReportData): Promise<string> {
  const path = resolve(out);
  const { renderReport } = await import('../report/html.ts');
  await writeFile(path, renderReport(data ?? (await gatherReport(rt))));
  return path;
}

export function registerReport(program: Command, runtime: RuntimeFactory): void {
  program
    .command('report')
    .description(
      'write a self-contained HTML report (opens offline); --json prints its data, including verdict precision/recall per day',
    )
    .option('--out <file>', 'where to write it', 'report.html')
    .option('--json', 'print the report data as JSON instead')
    .action(async (opts: { out: string; json?: boolean }) => {
      const rt = runtime();
      if (opts.json) return void process.stdout.write(JSON.stringify(await gatherReport(rt), null, 2) + '\n');
      const data = await gatherReport(rt);
      const path = await writeReport(rt, opts.out, data);
      process.stdout.write(`report written to ${path}\n\nverdicts against labels, per day\n${table(data.quality)}\n`);
    });
}
