// `fraudflow topics`: every topic with its partitions, offsets and message counts.
import type { Command } from 'commander';
import type { RuntimeFactory } from '../main.ts';
import { table } from '../output.ts';

export function registerTopics(program: Command, runtime: RuntimeFactory): void {
  program
    .command('topics')
    .description('list topics, partitions and high-water marks of the event log')
    .option('--json', 'print as JSON')
    .action(async (opts: { json?: boolean }) => {
      const log = await runtime().eventLog();
      const topics = await log.listTopics();
      if (opts.json) {
        process.stdout.write(JSON.stringify(topics, null, 2) + '\n');
        return;
      }
      process.stdout.write(
        table(
          topics.map((t) => ({
            topic: t.name,
            partitions: t.partitions.length,
            messages: t.partitions.reduce((n, p) => n + p.highWatermark - p.lowWatermark, 0),
            high_watermarks: t.partitions.map((p) => p.highWatermark).join(','),
          })),
        ) + '\n',
      );
    });
}
