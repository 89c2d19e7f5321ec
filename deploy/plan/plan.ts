// Builds the deploy plan from the config: every resource in dependency order, each with the idempotent command that creates it.
/* eslint-disable max-lines -- the plan's steps in deploy order (to split by resource: issue 16) */
import { FraudflowError } from '../../shared/errors.ts';
import { topicSpecs } from '../../shared/topics.ts';
import { bigQuerySchema } from '../../shared/warehouse/bigquery/bigquery.ts';
import { TABLES } from '../../shared/warehouse/tables.ts';
import * as cmd from './commands.ts';
import { settingsFor, topicSettingsFor, type DeployConfig } from './config.ts';
import { configSeenBy, functionEnv } from './env.ts';
import { CONTAINERS, descriptor, FUNCTIONS } from './functions.ts';
import { cloudBuildConfig, dockerfile } from './images.ts';
import { BUILD_PROJECT_GRANTS, grantsOf, INVOKER_PROJECT_GRANTS } from './grants.ts';
import { pushFunctionSteps, pushTopicSteps } from './push.ts';

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
  | 'kafka-cluster'
  | 'network'
  | 'pubsub-topic'
  | 'pubsub-subscription'
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

/** The APIs a config needs: the base set, plus Managed Kafka and the VPC ones when it uses them. */
export function apisFor(c: DeployConfig): string[] {
  return [
    ...APIS,
    ...(c.kafka.provider === 'managed' ? ['managedkafka'] : []),
    ...(c.network ? ['compute'] : []),
    ...(c.network?.mode === 'connector' ? ['vpcaccess'] : []),
  ];
}

/** The plan, once every function is known to start with its deployed environment (its own config loader says so). */
export function buildPlan(c: DeployConfig, options: { filesDir?: string } = {}): Plan {
  for (const fn of FUNCTIONS) configSeenBy(c, fn); // a function that would not start fails the plan, not the deploy
  return renderPlan(c, options);
}

/** The plan's steps and files, without the start-up check (buildPlan runs it first). */
// eslint-disable-next-line max-lines-per-function -- the plan's steps in deploy order, as the operator reads them (to split by resource: issue 16)
export function renderPlan(c: DeployConfig, options: { filesDir?: string } = {}): Plan {
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
    resource: apisFor(c).join(', '),
    command: `gcloud services enable ${apisFor(c)
      .map((a) => `${a}.googleapis.com`)
      .join(' ')} --project=${c.project}`,
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

  const k = c.kafka;
  const secretIds = k.provider === 'external' ? [k.usernameSecret, k.passwordSecret, c.apiKeySecret] : [c.apiKeySecret];
  for (const secret of secretIds) {
    add({
      id: `secret:${secret}`,
      kind: 'secret',
      resource: secret,
      command: cmd.secretCheckCommand(c, secret),
      why: 'created by you beforehand (deploy/README.md): the plan never sees secret values',
    });
  }

  if (c.network?.mode === 'connector') {
    add({
      id: `network:connector:${c.network.connector!.name}`,
      kind: 'network',
      resource: `Serverless VPC Access connector ${c.network.connector!.name} on ${c.network.network}/${c.network.subnet}`,
      command: cmd.vpcConnectorCommand(c),
      why: 'the Kafka-using functions reach private addresses through it',
    });
  }

  const topics = topicSpecs(1).map((t) => ({ name: t.name, ...topicSettingsFor(c, t.name) }));
  if (k.provider === 'external') {
    add({
      id: 'kafka:topics',
      kind: 'kafka-topics',
      resource: topics.map((t) => `${t.name} (${t.partitions} partitions, retention ${t.retentionMs} ms)`).join(', '),
      command: cmd.kafkaTopicsCommand(c, topics),
    });
  } else {
    add({
      id: `kafka:cluster:${k.cluster.name}`,
      kind: 'kafka-cluster',
      resource: `${k.cluster.name} in ${c.region} (${k.cluster.create ? `${k.cluster.vcpus} vCPU, ${k.cluster.memoryGiB} GiB` : 'adopted'})`,
      command: cmd.managedKafkaClusterCommand(c),
      why: k.cluster.create
        ? 'creating a cluster takes up to 30 minutes'
        : 'an existing cluster: checked, never changed',
    });
    for (const t of topics)
      add({
        id: `kafka:topic:${t.name}`,
        kind: 'kafka-topics',
        resource: `${t.name} (${t.partitions} partitions, retention ${t.retentionMs} ms)`,
        command: cmd.managedKafkaTopicCommand(c, t),
      });
  }

  for (const fn of FUNCTIONS.filter((f) => settingsFor(c, f.folder).deadLetter)) {
    const topic = cmd.deadLetterTopic(c, fn.folder);
    add({ id: `pubsub:${topic}`, kind: 'pubsub-topic', resource: topic, command: cmd.pubsubTopicCommand(c, topic) });
    add({
      id: `pubsub:${cmd.deadLetterHold(c, fn.folder)}`,
      kind: 'pubsub-subscription',
      resource: `${cmd.deadLetterHold(c, fn.folder)} on ${topic} (kept 7 days)`,
      command: cmd.deadLetterHoldCommand(c, fn.folder),
      why: 'a topic without a subscription drops what is published to it',
    });
  }

  for (const fn of FUNCTIONS.filter((f) => settingsFor(c, f.folder).schedule?.via === 'pubsub')) {
    const topic = cmd.tickTopic(c, fn.folder);
    add({ id: `pubsub:${topic}`, kind: 'pubsub-topic', resource: topic, command: cmd.pubsubTopicCommand(c, topic) });
  }

  if (c.streamPush) for (const step of pushTopicSteps(c, c.streamPush)) add(step);

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
    const env = functionEnv(c, fn);
    const envFile = file(`env/${fn.folder}.yaml`, cmd.envYaml(env.vars));
    add({
      id: `function:${fn.folder}`,
      kind: 'function',
      resource: cmd.functionName(c, fn.folder),
      command: cmd.deployCommand(c, fn, env, envFile),
    });
    if (c.network?.mode === 'direct' && fn.uses.kafka)
      add({
        id: `network:direct-vpc:${fn.folder}`,
        kind: 'network',
        resource: `${cmd.functionName(c, fn.folder)} -> ${c.network.network}/${c.network.subnet} (Direct VPC egress, ${c.network.egress})`,
        command: cmd.directVpcCommand(c, fn.folder),
        why: 'set on the Cloud Run service after every deploy, which may reset it',
      });
    const s = settingsFor(c, fn.folder);
    if (fn.trigger.kind === 'http' || s.schedule?.via === 'http') continue;
    // Eventarc delivers through a Pub/Sub push subscription of its own: tune it once the trigger exists.
    add({
      id: `subscription:${fn.folder}`,
      kind: 'pubsub-subscription',
      resource: `${cmd.functionName(c, fn.folder)}'s trigger subscription: ack deadline ${cmd.ackDeadlineSeconds(s.timeoutSeconds)} s${s.deadLetter ? `, dead letters to ${cmd.deadLetterTopic(c, fn.folder)} after ${s.deadLetter.maxDeliveryAttempts} deliveries` : ''}`,
      command: cmd.triggerSubscriptionCommand(c, fn),
      why: 'a delivery still running when its ack deadline passes is sent again',
    });
    if (s.deadLetter)
      add({
        id: `iam:dead-letter:${fn.folder}`,
        kind: 'iam',
        resource: `Pub/Sub service agent: roles/pubsub.publisher on ${cmd.deadLetterTopic(c, fn.folder)}, roles/pubsub.subscriber on the trigger subscription`,
        command: cmd.deadLetterGrantsCommand(c, fn.folder),
        why: 'Pub/Sub forwards undeliverable events as its own service agent',
      });
  }
  if (c.streamPush) {
    // The push entry point of score-stream: the same code, account and environment, its own service and scale.
    const env = functionEnv(c, descriptor('score-stream'));
    const envFile = file('env/score-stream-push.yaml', cmd.envYaml(env.vars));
    for (const step of pushFunctionSteps(c, c.streamPush, env, envFile)) add(step);
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
