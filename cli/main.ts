// The fraudflow command line: one subcommand per function or operator task, each with --json for scripts.
import { Command, CommanderError } from 'commander';
import type { Runtime } from '../shared/runtime.ts';
import { errorJson, errorText, exitCodeOf } from './output.ts';
import { registerIngest } from './commands/ingest.ts';
import { registerTopics } from './commands/topics.ts';
import { registerDemo } from './commands/demo.ts';
import { registerSink } from './commands/sink.ts';
import { registerSql } from './commands/sql.ts';
import { registerModels } from './commands/models.ts';
import { registerRetrain } from './commands/retrain.ts';
import { registerScoreStream } from './commands/score-stream.ts';
import { registerDeploy } from './commands/deploy.ts';
import { registerReport } from './commands/report.ts';
import { registerDev } from './commands/dev.ts';
import { registerGenerate } from './commands/generate.ts';
import { registerRules } from './commands/rules.ts';

export type RuntimeFactory = () => Runtime;

export function buildProgram(runtime: RuntimeFactory): Command {
  const program = new Command('fraudflow')
    .description('Machine learning on streaming card transactions: ingest, sink, retrain, score.')
    // Usage errors are thrown (not process.exit) so main prints them once, as JSON under --json, and exits 2.
    .exitOverride()
    .configureOutput({ outputError: () => {} });
  registerIngest(program, runtime);
  registerTopics(program, runtime);
  registerSink(program, runtime);
  registerSql(program, runtime);
  registerRetrain(program, runtime);
  registerModels(program, runtime);
  registerScoreStream(program, runtime);
  registerReport(program, runtime);
  registerDev(program);
  registerGenerate(program);
  registerDeploy(program);
  registerDemo(program, runtime);
  registerRules(program, runtime);
  program.addHelpText(
    'after',
    `
Examples:
  fraudflow ingest data/transactions.csv            ingest a CSV (or .csv.gz) into the transactions topic
  fraudflow topics --json                           topics, partitions and high-water marks as JSON
  fraudflow sink                                    drain every topic into the warehouse, then exit
  fraudflow sql "select count(*) from transactions" query the history
  fraudflow retrain && fraudflow models              train, evaluate, promote if better; list versions
  fraudflow report --out report.html                 charts of the model, throughput, drift, verdict quality
  fraudflow dev                                     every function on 127.0.0.1, uploads folder watched, schedules run
  fraudflow generate --days 30 --out tx.csv          simulated raw transactions (Fraud Detection Handbook method)
  fraudflow deploy plan --project my-proj --region europe-west1   what a deploy would create
  fraudflow rules backtest rules.json --days 30      the rules over the history: alerts a day, precision, recall

Exit codes: 0 ok, 1 failed, 2 usage or configuration, 3 bad input file, 4 a backend unavailable (retry).`,
  );
  return program;
}

export async function main(argv: string[]): Promise<number> {
  let rt: Runtime | undefined;
  // Configuration and the runtime are imported before a command's action runs, not for `--help` or a usage error.
  let load: Awaited<ReturnType<typeof runtimeModules>> | undefined;
  const runtime = (): Runtime => {
    if (!load) throw new Error('cli: the runtime is built only inside a command action');
    if (!rt) {
      const config = load.loadConfig();
      rt = load.createRuntime(
        config,
        load.createLogger({ level: config.logLevel === 'INFO' ? 'WARNING' : config.logLevel }),
      );
    }
    return rt;
  };
  const json = argv.includes('--json');
  try {
    const program = buildProgram(runtime);
    program.hook('preAction', async () => void (load ??= await runtimeModules()));
    await program.parseAsync(argv);
    return process.exitCode === undefined ? 0 : Number(process.exitCode);
  } catch (e) {
    // Help was printed (asked for: 0; a bare `fraudflow` with no command: a usage error, 2) and says it all.
    if (e instanceof CommanderError && (e.exitCode === 0 || e.code === 'commander.help'))
      return e.exitCode === 0 ? 0 : 2;
    const debug = (await import('../shared/config.ts')).debugRequested();
    process.stderr.write((json ? errorJson(e, debug) : errorText(e, debug)) + '\n');
    return exitCodeOf(e);
  } finally {
    await rt?.close();
  }
}

async function runtimeModules() {
  const [{ loadConfig }, { createRuntime }, { createLogger }] = await Promise.all([
    import('../shared/config.ts'),
    import('../shared/runtime.ts'),
    import('../shared/logger.ts'),
  ]);
  return { loadConfig, createRuntime, createLogger };
}
