// `fraudflow sink`: one run of the sink function, draining topics into the warehouse.
import type { Command } from 'commander';
import { SINK_ROUTES } from '../../functions/sink/routes.ts';
import { FraudflowError } from '../../shared/errors.ts';
import type { RuntimeFactory } from '../main.ts';
import { table } from '../output.ts';
import { positiveInt } from '../args.ts';

export function registerSink(program: Command, runtime: RuntimeFactory): void {
  program
    .command('sink')
    .description("drain topics from the sink group's committed offsets into the warehouse (idempotent), then exit")
    .option('--topics <list>', `comma-separated topics (default: ${SINK_ROUTES.map((r) => r.topic).join(',')})`)
    .option('--max-rows <n>', 'stop each topic after this many messages', positiveInt)
    .option('--max-seconds <s>', 'stop the run after this long', positiveInt)
    .option('--json', 'print the summary as JSON')
    .action(async (opts: { topics?: string; maxRows?: number; maxSeconds?: number; json?: boolean }) => {
      const wanted = opts.topics?.split(',').map((t) => t.trim());
      const routes = wanted ? SINK_ROUTES.filter((r) => wanted.includes(r.topic)) : SINK_ROUTES;
      const unknown = wanted?.filter((t) => !SINK_ROUTES.some((r) => r.topic === t)) ?? [];
      if (unknown.length)
        throw new FraudflowError(
          'INPUT_INVALID',
          `sink: unknown topics ${unknown.join(',')}; known: ${SINK_ROUTES.map((r) => r.topic).join(',')}`,
        );
      const { sinkWith } = await import('../../functions/sink/index.ts');
      const summaries = await sinkWith(runtime(), {
        routes,
        ...(opts.maxRows ? { maxRows: opts.maxRows } : {}),
        ...(opts.maxSeconds ? { maxSeconds: opts.maxSeconds } : {}),
      });
      process.stdout.write((opts.json ? JSON.stringify(summaries, null, 2) : table(summaries)) + '\n');
    });
}
