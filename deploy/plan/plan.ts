// Builds the deploy plan from the config: every resource in order, each with the idempotent command that creates it.
import { bigQuerySchema, bigQueryTableResource } from '../../shared/warehouse/bigquery.ts';
import { TABLES } from '../../shared/warehouse/tables.ts';
import { topicSpecs } from '../../shared/topics.ts';
import type { DeployConfig } from './config.ts';
import { FUNCTIONS, type FunctionDescriptor, type Grant } from './functions.ts';

export interface PlanStep {
  readonly id: string;
  readonly kind: 'api' | 'bucket' | 'dataset' | 'table' | 'secret' | 'kafka-topic' | 'pubsub-topic' | 'service-account' | 'iam' | 'function' | 'schedule' | 'vertex-endpoint';
  readonly resource: string;
  /** One shell line; `describe || create` where the tool has no create-if-absent. */
  readonly command: string;
}

export interface Plan {
  readonly project: string;
  readonly region: string;
  readonly steps: PlanStep[];
  /** Files the commands read (BigQuery schemas, Kafka client settings), by path relative to the plan's output folder. */
  readonly files: Record<string, string>;
}

export const APIS = ['cloudfunctions', 'run', 'eventarc', 'pubsub', 'cloudscheduler', 'bigquery', 'aiplatform', 'secretmanager', 'storage', 'artifactregistry', 'cloudbuild'];

const q = (s: string) => `'${s.replaceAll("'", "'\\''")}'`;

export function serviceAccount(c: DeployConfig, fn: string): string {
  return `${c.prefix}-${fn}@${c.project}.iam.gserviceaccount.com`;
}

export function tickTopic(c: DeployConfig, schedule: string): string {
  return `${c.prefix}-${schedule.replace(/[A-Z]/g, (m) => `-${m.toLowerCase()}`)}-tick`;
}

function grantCommand(c: DeployConfig, sa: string, g: Grant): string {
  const member = `--member=serviceAccount:${sa} --role=${g.role}`;
  switch (g.on) {
    case 'project': return `gcloud projects add-iam-policy-binding ${c.project} ${member} --condition=None`;
    case 'bucket:uploads': return `gcloud storage buckets add-iam-policy-binding gs://${c.buckets.uploads} ${member}`;
    case 'bucket:models': return `gcloud storage buckets add-iam-policy-binding gs://${c.buckets.models} ${member}`;
    case 'dataset': return `bq add-iam-policy-binding ${member} ${c.project}:${c.bigquery.dataset}`;
    case 'secret:kafka': return [c.kafka.usernameSecret, c.kafka.passwordSecret].map((s) => `gcloud secrets add-iam-policy-binding ${s} --project=${c.project} ${member}`).join(' && ');
    case 'secret:api-key': return `gcloud secrets add-iam-policy-binding ${c.apiKeySecret} --project=${c.project} ${member}`;
  }
}

function deployCommand(c: DeployConfig, fn: FunctionDescriptor): string {
  const s = c.functions[fn.folder as keyof DeployConfig['functions']]!;
  const sa = serviceAccount(c, fn.folder);
  const env = {
    KAFKA_BROKERS: c.kafka.bootstrapServers, KAFKA_SSL: 'true', KAFKA_SASL_MECHANISM: c.kafka.saslMechanism, KAFKA_REPLICATION_FACTOR: String(c.kafka.replicationFactor),
    BIGQUERY_PROJECT: c.project, BIGQUERY_DATASET: c.bigquery.dataset, BIGQUERY_LOCATION: c.bigquery.location, FRAUDFLOW_DATA_DIR: '/tmp/fraudflow',
    UPLOADS_BUCKET: c.buckets.uploads, MODEL_BUCKET: c.buckets.models,
  };
  const secrets = [`KAFKA_SASL_USERNAME=${c.kafka.usernameSecret}:latest`, `KAFKA_SASL_PASSWORD=${c.kafka.passwordSecret}:latest`, ...(fn.folder === 'score' ? [`FRAUDFLOW_API_KEY=${c.apiKeySecret}:latest`] : [])];
  const trigger = fn.trigger.kind === 'http'
    ? '--trigger-http --no-allow-unauthenticated'
    : fn.trigger.kind === 'storage-finalized'
      ? `--trigger-event-filters=type=google.cloud.storage.object.v1.finalized --trigger-event-filters=bucket=${c.buckets.uploads} --trigger-location=${c.region} --trigger-service-account=${sa}`
      : `--trigger-topic=${tickTopic(c, fn.trigger.schedule)} --trigger-service-account=${sa}`;
  return [
    `gcloud functions deploy ${c.prefix}-${fn.folder} --gen2 --runtime=nodejs20 --project=${c.project} --region=${c.region} --source=. --entry-point=${fn.entryPoint}`,
    `--memory=${s.memory} --cpu=${s.cpu} --timeout=${s.timeoutSeconds}s --concurrency=${s.concurrency} --min-instances=${s.minInstances} --max-instances=${s.maxInstances}`,
    `--service-account=${sa} --set-env-vars=${q(Object.entries(env).map(([k, v]) => `${k}=${v}`).join(','))} --set-secrets=${q(secrets.join(','))}`,
    trigger,
  ].join(' ');
}

export function buildPlan(c: DeployConfig): Plan {
  const steps: PlanStep[] = [];
  const files: Record<string, string> = {};
  const add = (s: PlanStep) => steps.push(s);
  const P = `--project=${c.project}`;

  add({ id: 'apis', kind: 'api', resource: APIS.join(','), command: `gcloud services enable ${APIS.map((a) => `${a}.googleapis.com`).join(' ')} ${P}` });
  for (const [role, name] of Object.entries(c.buckets)) {
    add({ id: `bucket:${role}`, kind: 'bucket', resource: `gs://${name}`, command: `gcloud storage buckets describe gs://${name} ${P} >/dev/null 2>&1 || gcloud storage buckets create gs://${name} ${P} --location=${c.region} --uniform-bucket-level-access` });
  }
  add({ id: 'dataset', kind: 'dataset', resource: `${c.project}:${c.bigquery.dataset}`, command: `bq --project_id=${c.project} show ${c.bigquery.dataset} >/dev/null 2>&1 || bq --location=${c.bigquery.location} mk --dataset ${c.project}:${c.bigquery.dataset}` });
  for (const def of Object.values(TABLES)) {
    const file = `bigquery/${def.name}.schema.json`;
    files[file] = JSON.stringify(bigQuerySchema(def), null, 2) + '\n';
    const res = bigQueryTableResource(def) as { clustering: { fields: string[] } };
    const table = `${c.project}:${c.bigquery.dataset}.${def.name}`;
    add({
      id: `table:${def.name}`, kind: 'table', resource: table,
      command: `bq show ${table} >/dev/null 2>&1 || bq mk --table --time_partitioning_type=DAY --time_partitioning_field=${def.partitionBy} --clustering_fields=${res.clustering.fields.join(',')} ${table} ${file}`,
    });
  }
  for (const secret of [c.kafka.usernameSecret, c.kafka.passwordSecret, c.apiKeySecret]) {
    add({ id: `secret:${secret}`, kind: 'secret', resource: secret, command: `gcloud secrets describe ${secret} ${P} >/dev/null || { echo "create secret ${secret} first: printf %s VALUE | gcloud secrets create ${secret} --data-file=- ${P}"; exit 1; }` });
  }
  files['kafka/client.properties'] = `security.protocol=SASL_SSL\nsasl.mechanism=${c.kafka.saslMechanism.toUpperCase()}\n# sasl.jaas.config is filled in from the secrets by the command below; never commit it.\n`;
  for (const spec of topicSpecs(4)) {
    const t = c.kafka.topics[spec.name] ?? { partitions: spec.partitions, retentionMs: 7 * 24 * 3600 * 1000 };
    add({
      id: `kafka:${spec.name}`, kind: 'kafka-topic', resource: spec.name,
      command: `kafka-topics.sh --bootstrap-server ${c.kafka.bootstrapServers} --command-config kafka/client.properties --create --if-not-exists --topic ${spec.name} --partitions ${t.partitions} --replication-factor ${c.kafka.replicationFactor} --config retention.ms=${t.retentionMs}`,
    });
  }
  for (const schedule of ['sink', 'scoreStream', 'retrain'] as const) {
    const topic = tickTopic(c, schedule);
    add({ id: `pubsub:${topic}`, kind: 'pubsub-topic', resource: topic, command: `gcloud pubsub topics describe ${topic} ${P} >/dev/null 2>&1 || gcloud pubsub topics create ${topic} ${P}` });
  }
  // Cloud Storage publishes its events through Pub/Sub: its service agent needs to publish.
  add({ id: 'iam:gcs-agent', kind: 'iam', resource: 'storage service agent', command: `gcloud projects add-iam-policy-binding ${c.project} --member=serviceAccount:$(gcloud storage service-agent ${P}) --role=roles/pubsub.publisher --condition=None` });
  for (const fn of FUNCTIONS) {
    const sa = serviceAccount(c, fn.folder);
    add({ id: `sa:${fn.folder}`, kind: 'service-account', resource: sa, command: `gcloud iam service-accounts describe ${sa} ${P} >/dev/null 2>&1 || gcloud iam service-accounts create ${c.prefix}-${fn.folder} ${P} --display-name=${q(`fraudflow ${fn.folder}`)}` });
    const grants: Grant[] = fn.trigger.kind === 'http' ? [...fn.grants] : [...fn.grants, { role: 'roles/run.invoker', on: 'project' }];
    for (const g of grants) add({ id: `iam:${fn.folder}:${g.role}:${g.on}`, kind: 'iam', resource: `${sa} ${g.role} on ${g.on}`, command: grantCommand(c, sa, g) });
  }
  for (const fn of FUNCTIONS) add({ id: `function:${fn.folder}`, kind: 'function', resource: `${c.prefix}-${fn.folder}`, command: deployCommand(c, fn) });
  for (const schedule of ['sink', 'scoreStream', 'retrain'] as const) {
    const job = `${c.prefix}-${schedule.replace(/[A-Z]/g, (m) => `-${m.toLowerCase()}`)}`;
    add({
      id: `schedule:${schedule}`, kind: 'schedule', resource: job,
      command: `gcloud scheduler jobs describe ${job} --location=${c.region} ${P} >/dev/null 2>&1 || gcloud scheduler jobs create pubsub ${job} --location=${c.region} ${P} --schedule=${q(c.schedules[schedule])} --time-zone=${q(c.schedules.timeZone)} --topic=${tickTopic(c, schedule)} --message-body='{}'`,
    });
  }
  add({
    id: 'vertex:endpoint', kind: 'vertex-endpoint', resource: c.vertex.endpointName,
    command: `gcloud ai endpoints list --region=${c.region} ${P} --filter=display_name=${c.vertex.endpointName} --format='value(name)' | grep -q . || gcloud ai endpoints create --region=${c.region} ${P} --display-name=${c.vertex.endpointName}`,
  });
  return { project: c.project, region: c.region, steps, files };
}
