// `fraudflow deploy plan|apply|kafka-topics`: validate the deploy configuration, print or run its idempotent commands, converge Kafka topics.
import type { Command } from 'commander';
import type { SASLOptions } from 'kafkajs';
import type { Plan } from '../../deploy/plan/plan.ts';
import { FraudflowError } from '../../shared/errors.ts';
import { table } from '../output.ts';

interface PlanOptions {
  project?: string;
  region?: string;
  config: string;
  out: string;
}

async function planFrom(opts: PlanOptions): Promise<Plan> {
  // The plan imports the BigQuery adapter (its table schemas): loaded when a plan is made, not at start-up.
  const [{ buildPlan }, { loadDeployConfig }, { filesDirOf }] = await Promise.all([
    import('../../deploy/plan/plan.ts'),
    import('./deploy-config.ts'),
    import('../../deploy/apply/run.ts'),
  ]);
  return buildPlan(await loadDeployConfig(opts.config, opts), { filesDir: filesDirOf(opts.out) });
}

function withPlanOptions(cmd: Command): Command {
  return cmd
    .option('--project <id>', 'GCP project (overrides the config)')
    .option('--region <region>', 'GCP region (overrides the config)')
    .option('--config <file>', 'deploy configuration', 'deploy/fraudflow.deploy.json')
    .option(
      '--out <dir>',
      'where the generated files go (BigQuery schemas, env files, Dockerfile, apply.sh): a folder inside the repository',
      'deploy/out',
    );
}

// eslint-disable-next-line max-lines-per-function -- one commander chain: the subcommands and options read together, as --help lists them
export function registerDeploy(program: Command): void {
  const deploy = program
    .command('deploy')
    .description('put fraudflow into a GCP project and a Kafka cluster (see deploy/README.md)');

  withPlanOptions(deploy.command('plan'))
    .description(
      'validate the deploy configuration and print every resource and command it would create (no network calls)',
    )
    .option('--write', 'also write the generated files and apply.sh under --out')
    .option('--json', 'print the plan as JSON')
    .action(async (opts: PlanOptions & { write?: boolean; json?: boolean }) => {
      const plan = await planFrom(opts);
      const { header, writePlanFiles } = await import('../../deploy/apply/run.ts');
      if (opts.write) await writePlanFiles(plan);
      if (opts.json) return void process.stdout.write(JSON.stringify(plan, null, 2) + '\n');
      process.stdout.write(
        `# fraudflow deploy plan for ${plan.project} in ${plan.region}: ${plan.steps.length} steps, run in the repository root\n`,
      );
      plan.steps.forEach((s, i) => process.stdout.write(`\n${header(s, i, plan.steps.length)}\n${s.command}\n`));
      process.stdout.write(
        `\n# files the commands read (${opts.write ? 'written' : 'written by --write or apply'} under ${plan.filesDir}/): ${Object.keys(plan.files).join(', ')}\n`,
      );
    });

  withPlanOptions(deploy.command('apply'))
    .description(
      "run the plan's commands in order with gcloud, bq and the Kafka admin API (stops at the first failure)",
    )
    .option('--yes', 'really create and change resources in the project')
    .option('--dry-run', "write the files and print each step's command instead of running it")
    .option('--from <step-id>', 'resume at this step')
    .action(async (opts: PlanOptions & { yes?: boolean; dryRun?: boolean; from?: string }) => {
      const plan = await planFrom(opts);
      // The runner (gcloud, bq, the Kafka admin API) loads when a plan runs, not for `fraudflow --help`.
      const { applyPlan, header, writePlanFiles } = await import('../../deploy/apply/run.ts');
      if (opts.dryRun) {
        await writePlanFiles(plan);
        plan.steps.forEach((s, i) => process.stdout.write(`${header(s, i, plan.steps.length)}\n+ ${s.command}\n`));
        return;
      }
      if (!opts.yes) {
        throw new FraudflowError(
          'CONFIG_INVALID',
          `deploy apply creates and changes resources in project ${plan.project}: pass --yes to go ahead, or --dry-run to see the commands`,
        );
      }
      const { ran } = await applyPlan(plan, {
        ...(opts.from ? { from: opts.from } : {}),
        write: (line) => process.stderr.write(line + '\n'),
      });
      process.stderr.write(`deploy: ${ran} steps done in ${plan.project}\n`);
    });

  deploy
    .command('kafka-topics')
    .description(
      'create the topics, add partitions and set retention through the Kafka admin API (SASL credentials from KAFKA_SASL_USERNAME / KAFKA_SASL_PASSWORD)',
    )
    .requiredOption('--brokers <host:port,...>', 'bootstrap servers')
    .option('--ssl', 'connect with TLS')
    .option('--sasl-mechanism <mechanism>', 'plain, scram-sha-256 or scram-sha-512')
    .option('--replication-factor <n>', 'replication factor of new topics', '3')
    .option(
      '--topic <name:partitions:retentionMs>',
      'a topic to converge (repeatable)',
      (v: string, acc: string[]) => [...acc, v],
      [] as string[],
    )
    .option('--json', 'print the outcome as JSON')
    .action(
      async (opts: {
        brokers: string;
        ssl?: boolean;
        saslMechanism?: string;
        replicationFactor: string;
        topic: string[];
        json?: boolean;
      }) => {
        const [{ ensureKafkaTopics, parseTopicArg }, { Kafka, logLevel }, { loadConfig }] = await Promise.all([
          import('../../deploy/apply/kafka-topics.ts'),
          import('kafkajs'),
          import('../../shared/config.ts'),
        ]);
        const wanted = opts.topic.map(parseTopicArg);
        if (wanted.length === 0)
          throw new FraudflowError(
            'CONFIG_INVALID',
            'deploy kafka-topics: give at least one --topic=name:partitions:retentionMs',
          );
        // The same validation and SASL handling as the functions' own Kafka settings.
        const config = loadConfig({
          KAFKA_BROKERS: opts.brokers,
          KAFKA_SSL: opts.ssl ? 'true' : 'false',
          KAFKA_REPLICATION_FACTOR: opts.replicationFactor,
          KAFKA_SASL_MECHANISM: opts.saslMechanism,
          KAFKA_SASL_USERNAME: process.env.KAFKA_SASL_USERNAME,
          KAFKA_SASL_PASSWORD: process.env.KAFKA_SASL_PASSWORD,
          KAFKA_CLIENT_ID: 'fraudflow-deploy',
        });
        if (config.eventLog.kind !== 'kafka')
          throw new FraudflowError('CONFIG_INVALID', 'deploy kafka-topics: --brokers is required');
        const k = config.eventLog.kafka;
        const admin = new Kafka({
          clientId: k.clientId,
          brokers: k.brokers,
          ssl: k.ssl,
          logLevel: logLevel.NOTHING,
          connectionTimeout: 10_000,
          ...(k.sasl ? { sasl: k.sasl as SASLOptions } : {}),
        }).admin();
        await admin.connect();
        try {
          const outcome = await ensureKafkaTopics(admin, wanted, k.replicationFactor);
          if (opts.json) return void process.stdout.write(JSON.stringify(outcome, null, 2) + '\n');
          process.stdout.write(table(outcome.map((o) => ({ ...o, changes: o.changes.join('; ') }))) + '\n');
        } finally {
          await admin.disconnect();
        }
      },
    );
}
