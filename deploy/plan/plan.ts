// Builds the deploy plan from the config: every resource in dependency order, each with the idempotent command that creates it.
import { FraudflowError } from '../../shared/errors.ts';
import { topicSpecs } from '../../shared/topics.ts';
import { bigQuerySchema } from '../../shared/warehouse/bigquery.ts';
import { TABLES } from '../../shared/warehouse/tables.ts';
import * as cmd from './commands.ts';
import { settingsFor, topicSettingsFor, type DeployConfig } from './config.ts';
import { configSeenBy, functionEnv } from './env.ts';
import { CONTAINERS, FUNCTIONS } from './functions.ts';
import { cloudBuildConfig, dockerfile } from './images.ts';
import { BUILD_PROJECT_GRANTS, grantsOf, INVOKER_PROJECT_GRANTS } from './grants.ts';

export type StepKind =
  | 'api'
  | 'service-account'
  | 'iam'
  | 'bucket'
  | 'dataset'
  | 'table'
  | 'view'
  | 'secret'
  | 'kafka-topics'
  | 'pubsub-topic'
  | 'image-repository'
  | 'image'
  | 'function'
  | 'schedule'
  | 'vertex-endpoint';

export interface PlanStep {
  /** Stable and unique: `kind:name[:detail]`. */
  readonly id: string;
  readonly kind: StepKind;
  readonly resource: string;
  /** One bash line, safe to re-run: describe-then-create, create-or-update, or an idempotent add. */
  readonly command: string;
  readonly why?: string;
}

export interface Plan {
  readonly project: string;
  readonly region: string;
  readonly steps: PlanStep[];
  /** Files the commands read (BigQuery schemas, env-var files), by path relative to `filesDir`. */
  readonly files: Record<string, string>;
  /** Where the commands expect the files, as seen from the repository root (the commands run there: `--source=.`). */
  readonly filesDir: string;
}

export const APIS = [
  'cloudfunctions',
  'run',
  'eventarc',
  'pubsub',
  'cloudscheduler',
  'bigquery',
  'aiplatform',
  'secretmanager',
  'storage',
  'artifactregistry',
  'cloudbuild',
  'iam',
] as const;

export function buildPlan(c: DeployConfig, options: { filesDir?: string } = {}): Plan {
  const filesDir = options.filesDir ?? 'deploy/out';
  const steps: PlanStep[] = [];
  const files: Record<string, string> = {};
  const add = (s: PlanStep) => steps.push(s);
  const file = (name: string, content: string) => {
    files[name] = content;
    return `${filesDir}/${name}`;
  };
  const member = (role: string) => `serviceAccount:${cmd.serviceAccount(c, role)}`;

  add({
    id: 'api:all',
    kind: 'api',
    resource: APIS.join(', '),
    command: `gcloud services enable ${APIS.map((a) => `${a}.googleapis.com`).join(' ')} --project=${c.project}`,
  });

  // Identities first: grants and deploys below name them.
  for (const [role, display] of [
    ['build', 'fraudflow builds'],
    ['invoker', 'fraudflow event delivery'],
  ] as const) {
    add({
      id: `sa:${role}`,
      kind: 'service-account',
      resource: cmd.serviceAccount(c, role),
      command: cmd.serviceAccountCommand(c, role, display),
    });
  }
  for (const fn of FUNCTIONS) {
    checkAccountId(c, fn.folder);
    add({
      id: `sa:${fn.folder}`,
      kind: 'service-account',
      resource: cmd.serviceAccount(c, fn.folder),
      command: cmd.serviceAccountCommand(c, fn.folder, `fraudflow ${fn.folder}`),
    });
  }
  for (const g of BUILD_PROJECT_GRANTS)
    add({
      id: `iam:build:${g.role}:${g.on}`,
      kind: 'iam',
      resource: `${cmd.serviceAccount(c, 'build')}: ${g.role} on ${g.on}`,
      command: cmd.grantCommand(c, member('build'), g),
      why: g.why,
    });

  add({
    id: 'bucket:uploads',
    kind: 'bucket',
    resource: `gs://${c.buckets.uploads}`,
    command: cmd.bucketCommand(c, c.buckets.uploads),
  });
  add({
    id: 'bucket:models',
    kind: 'bucket',
    resource: `gs://${c.buckets.models}`,
    command: cmd.bucketCommand(c, c.buckets.models),
  });

  add({
    id: 'dataset:warehouse',
    kind: 'dataset',
    resource: `${c.project}:${c.bigquery.dataset}`,
    command: cmd.datasetCommand(c),
  });
  for (const def of Object.values(TABLES)) {
    const schemaFile = file(`bigquery/${def.name}.schema.json`, JSON.stringify(bigQuerySchema(def), null, 2) + '\n');
    add({
      id: `table:${def.name}`,
      kind: 'table',
      resource: `${c.project}:${c.bigquery.dataset}.${def.name}`,
      command: cmd.tableCommand(c, def, schemaFile),
    });
    add({
      id: `view:${def.name}_unique`,
      kind: 'view',
      resource: `${c.project}:${c.bigquery.dataset}.${def.name}_unique`,
      command: cmd.viewCommand(c, def),
    });
  }

  for (const secret of [c.kafka.usernameSecret, c.kafka.passwordSecret, c.apiKeySecret]) {
    add({
      id: `secret:${secret}`,
      kind: 'secret',
      resource: secret,
      command: cmd.secretCheckCommand(c, secret),
      why: 'created by you beforehand (deploy/README.md): the plan never sees secret values',
    });
  }

  const topics = topicSpecs(1).map((t) => ({ name: t.name, ...topicSettingsFor(c, t.name) }));
  add({
    id: 'kafka:topics',
    kind: 'kafka-topics',
    resource: topics.map((t) => `${t.name} (${t.partitions} partitions, retention ${t.retentionMs} ms)`).join(', '),
    command: cmd.kafkaTopicsCommand(c, topics),
  });

  for (const fn of FUNCTIONS.filter((f) => settingsFor(c, f.folder).schedule?.via === 'pubsub')) {
    const topic = cmd.tickTopic(c, fn.folder);
    add({ id: `pubsub:${topic}`, kind: 'pubsub-topic', resource: topic, command: cmd.pubsubTopicCommand(c, topic) });
  }

  // Cloud Storage publishes its object events through Pub/Sub as its own service agent.
  add({
    id: 'iam:gcs-agent:roles/pubsub.publisher:project',
    kind: 'iam',
    resource: 'Cloud Storage service agent: roles/pubsub.publisher on project',
    command: `gcloud projects add-iam-policy-binding ${c.project} --member="serviceAccount:$(gcloud storage service-agent --project=${c.project})" --role=roles/pubsub.publisher --condition=None --quiet >/dev/null`,
    why: "Eventarc storage triggers need the bucket's notifications to reach Pub/Sub",
  });
  for (const g of INVOKER_PROJECT_GRANTS)
    add({
      id: `iam:invoker:${g.role}:${g.on}`,
      kind: 'iam',
      resource: `${cmd.serviceAccount(c, 'invoker')}: ${g.role} on ${g.on}`,
      command: cmd.grantCommand(c, member('invoker'), g),
      why: g.why,
    });
  for (const fn of FUNCTIONS) {
    for (const g of grantsOf(fn, c)) {
      add({
        id: `iam:${fn.folder}:${g.role}:${g.on}`,
        kind: 'iam',
        resource: `${cmd.serviceAccount(c, fn.folder)}: ${g.role} on ${g.on}`,
        command: cmd.grantCommand(c, member(fn.folder), g),
        why: g.why,
      });
    }
  }

  if (c.vertex.endpointId) {
    add({
      id: 'iam:vertex-agent:roles/storage.objectViewer:bucket:models',
      kind: 'iam',
      resource: 'Vertex AI service agent: roles/storage.objectViewer on bucket:models',
      command: cmd.vertexAgentGrantCommand(c),
      why: "Vertex AI copies a published champion's files from the models bucket",
    });
  }

  // The serving images, before the functions that name them.
  add({
    id: 'images:repository',
    kind: 'image-repository',
    resource: cmd.imageRepository(c),
    command: cmd.imageRepositoryCommand(c),
  });
  for (const container of CONTAINERS) {
    const docker = file(`build/${container.image}.Dockerfile`, dockerfile(container));
    const build = file(
      `build/${container.image}.cloudbuild.json`,
      cloudBuildConfig(cmd.servingImage(c, container.image), docker),
    );
    add({
      id: `image:${container.image}`,
      kind: 'image',
      resource: cmd.servingImage(c, container.image),
      command: cmd.imageBuildCommand(c, container.image, build),
    });
  }

  for (const fn of FUNCTIONS) {
    configSeenBy(c, fn); // a function that would not start fails the plan, not the deploy
    const env = functionEnv(c, fn);
    const envFile = file(`env/${fn.folder}.yaml`, cmd.envYaml(env.vars));
    add({
      id: `function:${fn.folder}`,
      kind: 'function',
      resource: cmd.functionName(c, fn.folder),
      command: cmd.deployCommand(c, fn, env, envFile),
    });
  }
  // Invoker rights exist per Cloud Run service, so they follow the deploys.
  for (const fn of FUNCTIONS) {
    const members = fn.trigger.kind === 'http' ? [...(settingsFor(c, fn.folder).invokers ?? [])] : [member('invoker')];
    for (const m of members) {
      add({
        id: `iam:run-invoker:${fn.folder}:${m}`,
        kind: 'iam',
        resource: `${m}: roles/run.invoker on ${cmd.functionName(c, fn.folder)}`,
        command: cmd.invokerGrantCommand(c, fn.folder, m),
        why:
          fn.trigger.kind === 'http'
            ? 'a caller named in the config'
            : "Eventarc delivers the trigger's events as this account",
      });
    }
  }

  for (const fn of FUNCTIONS.filter((f) => f.trigger.kind === 'schedule')) {
    const target =
      settingsFor(c, fn.folder).schedule?.via === 'http'
        ? `${cmd.functionName(c, fn.folder)} (HTTP, OIDC)`
        : cmd.tickTopic(c, fn.folder);
    add({
      id: `schedule:${fn.folder}`,
      kind: 'schedule',
      resource: `${cmd.schedulerJob(c, fn.folder)} -> ${target}`,
      command: cmd.scheduleCommand(c, fn),
    });
  }
  add({
    id: 'vertex:endpoint',
    kind: 'vertex-endpoint',
    resource: c.vertex.endpointName,
    command: cmd.vertexEndpointCommand(c),
  });

  const ids = new Set(steps.map((s) => s.id));
  if (ids.size !== steps.length) throw new FraudflowError('INTERNAL', 'deploy plan: two steps share an id');
  return { project: c.project, region: c.region, steps, files, filesDir };
}

/** Service account ids are 6-30 characters. */
function checkAccountId(c: DeployConfig, role: string): void {
  const id = cmd.accountId(c, role);
  if (id.length < 6 || id.length > 30) {
    throw new FraudflowError(
      'CONFIG_INVALID',
      `deploy config: service account id "${id}" must be 6-30 characters: choose a ${id.length < 6 ? 'longer' : 'shorter'} prefix`,
      { prefix: c.prefix },
    );
  }
}
