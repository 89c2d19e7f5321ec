// `fraudflow score-stream`: score the new transactions on the stream and publish their verdicts, then exit.
import type { Command } from 'commander';
import type { RuntimeFactory } from '../main.ts';
import { table } from '../output.ts';

export function registerScoreStream(program: Command, runtime: RuntimeFactory): void {
  program
    .command('score-stream')
    .description('score new messages of `transactions` with the champion, publish verdicts to `verdicts`, commit, exit')
    .option('--max-rows <n>', 'stop after this many messages')
    .option('--follow', 'keep scoring as transactions arrive, until Ctrl-C or SIGTERM (commits after every batch)')
    .option('--json', 'print the summary as JSON')
    .action(async (opts: { maxRows?: string; follow?: boolean; json?: boolean }) => {
      const stop = new AbortController();
      const onSignal = () => stop.abort();
      process.once('SIGINT', onSignal);
      process.once('SIGTERM', onSignal);
      const { scoreStreamWith } = await import('../../functions/score-stream/index.ts');
      const s = await scoreStreamWith(runtime(), {
        ...(opts.maxRows ? { maxRows: Number(opts.maxRows) } : opts.follow ? { maxRows: Infinity } : {}),
        ...(opts.follow ? { follow: true, maxSeconds: Infinity, stop: stop.signal } : {}),
      });
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      process.stdout.write((opts.json ? JSON.stringify(s, null, 2) : table([s])) + '\n');
    });
}
