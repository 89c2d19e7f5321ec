// The push path of score-stream in the plan: the Pub/Sub topic Kafka records reach (a Kafka Connect Pub/Sub sink
// connector's, or an import topic reading Confluent Cloud), and score-stream-push deployed on it through Eventarc.
import { z } from 'zod';
import { FraudflowError } from '../../shared/errors.ts';
import { TOPICS } from '../../shared/topics.ts';
import * as cmd from './commands.ts';
import type { DeployConfig } from './config.ts';
import type { FunctionEnv } from './env.ts';
import type { PlanStep } from './plan.ts';
import { FUNCTION_RUNTIME } from './runtime.ts';

/** `streamPush` in the deploy config; absent: score-stream runs as the scheduled pull only. */
export const StreamPushSchema = z
  .object({
    /** The Pub/Sub topic the Kafka `transactions` records arrive on; default `<prefix>-transactions-push`. */
    topic: z
      .string()
      .regex(/^[A-Za-z][\w.~+%-]{2,254}$/, 'a Pub/Sub topic id')
      .optional(),
    /**
     * `connector`: you run a Kafka Connect Pub/Sub sink connector (CloudPubSubSinkConnector, `metadata.publish=true`,
     * ByteArrayConverter for values) that writes to the topic. `confluent-import`: Pub/Sub reads the Confluent Cloud
     * topic itself (an import topic), authenticated by workload identity federation with the identity pool.
     */
    source: z
      .discriminatedUnion('kind', [
        z.object({ kind: z.literal('connector') }).strict(),
        z
          .object({
            kind: z.literal('confluent-import'),
            clusterId: z.string().regex(/^lkc-[a-z0-9]{1,32}$/, 'a Confluent cluster id like lkc-abc123'),
            identityPoolId: z.string().regex(/^pool-[A-Za-z0-9]{1,32}$/, 'a Confluent identity pool id like pool-AbC1'),
          })
          .strict(),
      ])
      .default({ kind: 'connector' }),
    memory: z.enum(['512Mi', '1Gi', '2Gi', '4Gi']).default('1Gi'),
    cpu: z.union([z.literal(1), z.literal(2), z.literal(4)]).default(1),
    /** One pushed transaction per request: seconds, not the scheduled drain's window. */
    timeoutSeconds: z.number().int().min(1).max(540).default(60),
    concurrency: z.number().int().min(1).max(1000).default(20),
    minInstances: z.number().int().min(0).max(100).default(0),
    maxInstances: z.number().int().min(1).max(1000).default(10),
    /** Deliveries of a message the function keeps failing (5xx) before it goes to the dead-letter topic. */
    maxDeliveryAttempts: z.number().int().min(5).max(100).default(5),
  })
  .strict()
  .refine((p) => p.minInstances <= p.maxInstances, { message: 'minInstances must not exceed maxInstances' });
export type StreamPush = z.infer<typeof StreamPushSchema>;

/** The name of the push function, its account's role and its dead-letter topic's folder part. */
export const PUSH = 'score-stream-push';
export const pushTopic = (c: DeployConfig, p: StreamPush): string => p.topic ?? `${c.prefix}-transactions-push`;

const P = (c: DeployConfig) => `--project=${c.project}`;

function topicCommand(c: DeployConfig, p: StreamPush): string {
  const topic = pushTopic(c, p);
  const describe = `gcloud pubsub topics describe ${topic} ${P(c)} >/dev/null 2>&1`;
  if (p.source.kind === 'connector') return `${describe} || gcloud pubsub topics create ${topic} ${P(c)}`;
  if (c.kafka.provider !== 'external')
    throw new FraudflowError(
      'CONFIG_INVALID',
      'deploy config: streamPush.source "confluent-import" needs an external (Confluent Cloud) kafka',
    );
  const ingest = [
    `--confluent-cloud-ingestion-bootstrap-server=${c.kafka.bootstrapServers.split(',')[0]}`,
    `--confluent-cloud-ingestion-cluster-id=${p.source.clusterId}`,
    `--confluent-cloud-ingestion-topic=${TOPICS.transactions}`,
    `--confluent-cloud-ingestion-identity-pool-id=${p.source.identityPoolId}`,
    `--confluent-cloud-ingestion-service-account=${cmd.serviceAccount(c, PUSH)}`,
  ].join(' ');
  return `${describe} || gcloud pubsub topics create ${topic} ${P(c)} ${ingest}`;
}

/** Before the grants: the topic, its dead letters and, for an import topic, the identity Pub/Sub reads Kafka as. */
export function pushTopicSteps(c: DeployConfig, p: StreamPush): PlanStep[] {
  const dlq = cmd.deadLetterTopic(c, PUSH);
  const steps: PlanStep[] = [];
  if (p.source.kind === 'confluent-import') {
    steps.push({
      id: `sa:${PUSH}`,
      kind: 'service-account',
      resource: cmd.serviceAccount(c, PUSH),
      command: cmd.serviceAccountCommand(c, PUSH, 'fraudflow Confluent Cloud import'),
    });
    steps.push({
      id: `iam:${PUSH}:import`,
      kind: 'iam',
      resource: `Pub/Sub service agent: roles/iam.serviceAccountTokenCreator on ${cmd.serviceAccount(c, PUSH)}; it: roles/pubsub.publisher on the topic`,
      command:
        `number="$(gcloud projects describe ${c.project} --format='value(projectNumber)')" && ` +
        `gcloud iam service-accounts add-iam-policy-binding ${cmd.serviceAccount(c, PUSH)} ${P(c)} --member="serviceAccount:service-$number@gcp-sa-pubsub.iam.gserviceaccount.com" --role=roles/iam.serviceAccountTokenCreator >/dev/null`,
      why: 'an import topic authenticates to Confluent Cloud as this account, through the Pub/Sub service agent',
    });
  }
  steps.push({
    id: `pubsub:${pushTopic(c, p)}`,
    kind: 'pubsub-topic',
    resource: `${pushTopic(c, p)} (${p.source.kind === 'connector' ? 'written by your Kafka Connect Pub/Sub sink connector' : `import topic of Confluent Cloud ${p.source.clusterId}/${TOPICS.transactions}`})`,
    command: topicCommand(c, p),
    why: 'each Kafka transactions record becomes one Pub/Sub message: value as data, key and place as attributes',
  });
  if (p.source.kind === 'confluent-import')
    steps.push({
      id: `iam:${PUSH}:publisher`,
      kind: 'iam',
      resource: `${cmd.serviceAccount(c, PUSH)}: roles/pubsub.publisher on ${pushTopic(c, p)}`,
      command: `gcloud pubsub topics add-iam-policy-binding ${pushTopic(c, p)} ${P(c)} --member=serviceAccount:${cmd.serviceAccount(c, PUSH)} --role=roles/pubsub.publisher >/dev/null`,
    });
  steps.push(
    { id: `pubsub:${dlq}`, kind: 'pubsub-topic', resource: dlq, command: cmd.pubsubTopicCommand(c, dlq) },
    {
      id: `pubsub:${cmd.deadLetterHold(c, PUSH)}`,
      kind: 'pubsub-subscription',
      resource: `${cmd.deadLetterHold(c, PUSH)} on ${dlq} (kept 7 days)`,
      command: cmd.deadLetterHoldCommand(c, PUSH),
      why: 'a topic without a subscription drops what is published to it',
    },
  );
  return steps;
}

/** The push function runs as score-stream (same rights, same environment) with its own scale and an Eventarc trigger. */
export function pushDeployCommand(c: DeployConfig, p: StreamPush, env: FunctionEnv, envFile: string): string {
  const secrets = Object.entries(env.secrets)
    .map(([k, v]) => `${k}=${v}:latest`)
    .join(',');
  const n = c.network;
  const vpc = n
    ? n.mode === 'connector'
      ? ` --vpc-connector=projects/${c.project}/locations/${c.region}/connectors/${n.connector!.name} --egress-settings=${n.egress}`
      : ' --clear-vpc-connector'
    : '';
  return [
    `gcloud functions deploy ${cmd.functionName(c, PUSH)} --gen2 --runtime=${FUNCTION_RUNTIME} --region=${c.region} ${P(c)} --source=. --entry-point=${PUSH}`,
    `--memory=${p.memory} --cpu=${p.cpu} --timeout=${p.timeoutSeconds}s --concurrency=${p.concurrency} --min-instances=${p.minInstances} --max-instances=${p.maxInstances}`,
    `--service-account=${cmd.serviceAccount(c, 'score-stream')} --build-service-account=projects/${c.project}/serviceAccounts/${cmd.serviceAccount(c, 'build')}`,
    `--env-vars-file=${cmd.q(envFile)}${secrets ? ` --set-secrets=${secrets}` : ' --clear-secrets'} --serve-all-traffic-latest-revision${vpc}`,
    `--trigger-topic=${pushTopic(c, p)} --trigger-service-account=${cmd.serviceAccount(c, 'invoker')} --ingress-settings=internal-only --retry`,
  ].join(' ');
}

/** After score-stream's deploy: the push function, its trigger subscription tuned, dead letters, invoker. */
export function pushFunctionSteps(c: DeployConfig, p: StreamPush, env: FunctionEnv, envFile: string): PlanStep[] {
  const name = cmd.functionName(c, PUSH);
  const dlq = cmd.deadLetterTopic(c, PUSH);
  const invoker = `serviceAccount:${cmd.serviceAccount(c, 'invoker')}`;
  const steps: PlanStep[] = [
    { id: `function:${PUSH}`, kind: 'function', resource: name, command: pushDeployCommand(c, p, env, envFile) },
  ];
  if (c.network?.mode === 'direct')
    steps.push({
      id: `network:direct-vpc:${PUSH}`,
      kind: 'network',
      resource: `${name} -> ${c.network.network}/${c.network.subnet} (Direct VPC egress, ${c.network.egress})`,
      command: cmd.directVpcCommand(c, PUSH),
      why: 'set on the Cloud Run service after every deploy, which may reset it',
    });
  steps.push(
    {
      id: `subscription:${PUSH}`,
      kind: 'pubsub-subscription',
      resource: `${name}'s trigger subscription: ack deadline ${cmd.ackDeadlineSeconds(p.timeoutSeconds)} s, dead letters to ${dlq} after ${p.maxDeliveryAttempts} deliveries`,
      command: cmd.pushSubscriptionCommand(c, PUSH, p.timeoutSeconds, p.maxDeliveryAttempts),
      why: 'a message is acknowledged by the 2xx the function answers once its verdict is durable; a 5xx or a timeout redelivers it',
    },
    {
      id: `iam:dead-letter:${PUSH}`,
      kind: 'iam',
      resource: `Pub/Sub service agent: roles/pubsub.publisher on ${dlq}, roles/pubsub.subscriber on the trigger subscription`,
      command: cmd.deadLetterGrantsCommand(c, PUSH),
      why: 'Pub/Sub forwards undeliverable messages as its own service agent',
    },
    {
      id: `iam:run-invoker:${PUSH}:${invoker}`,
      kind: 'iam',
      resource: `${invoker}: roles/run.invoker on ${name}`,
      command: cmd.invokerGrantCommand(c, PUSH, invoker),
      why: "Eventarc delivers the trigger's messages as this account",
    },
  );
  return steps;
}
