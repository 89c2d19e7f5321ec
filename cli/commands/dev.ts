// `fraudflow dev`: the cloud shape on one machine, until Ctrl-C.
import type { Command } from 'commander';
import { FraudflowError } from '../../shared/errors.ts';

export function registerDev(program: Command): void {
  program
    .command('dev')
    .description(
      'serve every function on 127.0.0.1 (behind the HTTP edge), ingest CSVs dropped into <data>/uploads, run the schedules; Ctrl-C stops cleanly',
    )
    .option('--port <n>', 'first port (ingest, sink, retrain, score, score-stream, review follow)', '8081')
    .option('--sink <cron>', 'sink schedule', '* * * * *')
    .option('--score-stream <cron>', 'score-stream schedule (croner: six fields for seconds)', '*/10 * * * * *')
    .option('--retrain <cron>', 'retrain schedule', '0 3 * * *')
    .action(async (opts: { port: string; sink: string; scoreStream: string; retrain: string }) => {
      const basePort = Number(opts.port);
      if (!Number.isInteger(basePort) || basePort < 0 || basePort > 65_531)
        throw new FraudflowError('CONFIG_INVALID', `--port ${opts.port}: expected a port number (0 = any free ports)`);
      const [{ startDev }, { processRuntime }, { createLogger }] = await Promise.all([
        import('../dev/runner.ts'),
        import('../../shared/runtime.ts'),
        import('../../shared/logger.ts'),
      ]);
      const rt = processRuntime(); // the functions use the process runtime: the runner shares it
      const logger = createLogger({ level: 'INFO' });
      const dev = await startDev({
        uploadsDir: rt.config.uploadsDir,
        basePort,
        schedules: { sink: opts.sink, 'score-stream': opts.scoreStream, retrain: opts.retrain },
        logger,
      }).catch(async (e: unknown) => {
        // PORT_IN_USE (retriable: exit code 4) reaches the one-line error of cli/main.ts; nothing is left open.
        await rt.close();
        throw e;
      });
      process.stdout.write(
        `fraudflow dev: drop CSVs into ${rt.config.uploadsDir}\n${Object.entries(dev.urls)
          .map(([f, u]) => `  ${f.padEnd(13)} ${u}`)
          .join('\n')}\nCtrl-C to stop\n`,
      );
      await new Promise<void>((resolve) => {
        const stop = () => resolve();
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
      });
      process.stdout.write('fraudflow dev: stopping (finishing what is running; Ctrl-C again to quit now)\n');
      const force = () => process.exit(130);
      process.once('SIGINT', force);
      process.once('SIGTERM', force);
      await dev.stop();
      await rt.close();
      process.stdout.write('fraudflow dev: stopped\n');
    });
}
