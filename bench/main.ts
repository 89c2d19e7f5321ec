// `npm run bench`: every benchmark module, each printed as a table with its baseline beside it. Args: names to run (default all).
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { availableParallelism, cpus, totalmem } from 'node:os';
import { table } from '../cli/output.ts';

type Rows = Array<Record<string, string | number>>;
const MODULES = [
  'cli',
  'ingest',
  'kafka',
  'sink',
  'sink-scale',
  'features',
  'train',
  'quality',
  'score',
  'gbdt',
  'push',
  'retrain-full',
];

const wanted = process.argv.slice(2).filter((a) => !a.startsWith('-'));
const quick = process.argv.includes('--quick');
process.stdout.write(
  `fraudflow bench  ${new Date().toISOString()}  node ${process.version}  ${availableParallelism()} cpus (${cpus()[0]?.model ?? '?'})  ${Math.round(totalmem() / 2 ** 30)} GiB\n`,
);
for (const name of MODULES) {
  if (wanted.length && !wanted.includes(name)) continue;
  const file = join(import.meta.dirname, `${name}.ts`);
  if (!existsSync(file)) continue;
  const mod = (await import(pathToFileURL(file).href)) as {
    run(options?: { scale10x?: boolean; quick?: boolean }): Promise<Rows>;
  };
  const started = performance.now();
  process.stdout.write(`\n## ${name}\n`);
  try {
    const rows = await mod.run({ scale10x: !quick, quick });
    process.stdout.write(table(rows) + `\n(${((performance.now() - started) / 1000).toFixed(1)} s)\n`);
  } catch (e) {
    process.stdout.write(`failed: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exitCode = 1;
  }
}
