// The shell lines of the plan: gcloud, bq and fraudflow commands, each idempotent (describe, then create or update).
import type { TableDef } from '../../shared/warehouse/tables.ts';
import { bigQueryTableResource, uniqueViewSql } from '../../shared/warehouse/bigquery/bigquery.ts';
import { settingsFor, type DeployConfig, type ExternalKafka } from './config.ts';
import { FUNCTION_RUNTIME } from './runtime.ts';
import type { FunctionEnv } from './env.ts';
import type { FunctionDescriptor } from './functions.ts';
import type { Grant } from './grants.ts';

/** Single-quotes a value for bash, whatever it holds. */
export const q = (s: string): string => (/^[A-Za-z0-9_./:=@,+%-]+$/.test(s) ? s : `'${s.replaceAll("'", "'\\''")}'`);

export const functionName = (c: DeployConfig, folder: string): string => `${c.prefix}-${folder}`;
export const accountId = (c: DeployConfig, role: string): string => `${c.prefix}-${role}`;
export const serviceAccount = (c: DeployConfig, role: string): string =>
  `${accountId(c, role)}@${c.project}.iam.gserviceaccount.com`;
export const tickTopic = (c: DeployConfig, folder: string): string => `${c.prefix}-${folder}-tick`;
export const schedulerJob = (c: DeployConfig, folder: string): string => `${c.prefix}-${folder}`;
/** The Artifact Registry repository holding fraudflow's images, and one image in it at the configured tag. */
export const imageRepository = (c: DeployConfig): string => `${c.region}-docker.pkg.dev/${c.project}/${c.prefix}`;
export const servingImage = (c: DeployConfig, image: string): string =>
  `${imageRepository(c)}/${image}:${c.vertex.imageTag}`;

const P = (c: DeployConfig) => `--project=${c.project}`;

/** Runs `create` unless `describe` finds the resource. */
const ensure = (describe: string, create: string): string => `${describe} >/dev/null 2>&1 || ${create}`;
/** Runs `update` when `describe` finds the resource, `create` otherwise (so a changed setting converges). */
const upsert = (describe: string, update: string, create: string): string =>
  `if ${describe} >/dev/null 2>&1; then ${update}; else ${create}; fi`;

export function serviceAccountCommand(c: DeployConfig, role: string, display: string): string {
  return ensure(
    `gcloud iam service-accounts describe ${serviceAccount(c, role)} ${P(c)}`,
    `gcloud iam service-accounts create ${accountId(c, role)} ${P(c)} --display-name=${q(display)}`,
  );
}

/** Adding an IAM binding that exists already changes nothing: these commands are safe to re-run. */
export function grantCommand(c: DeployConfig, member: string, g: Grant): string {
  const who = `--member=${q(member)} --role=${g.role}`;
  switch (g.on) {
    case 'project':
      return `gcloud projects add-iam-policy-binding ${c.project} ${who} --condition=None --quiet >/dev/null`;
    case 'bucket:uploads':
      return `gcloud storage buckets add-iam-policy-binding gs://${c.buckets.uploads} ${who} ${P(c)} >/dev/null`;
    case 'bucket:models':
      return `gcloud storage buckets add-iam-policy-binding gs://${c.buckets.models} ${who} ${P(c)} >/dev/null`;
    // BigQuery's DCL grants a role on one dataset; granting it twice is a no-op.
    case 'dataset':
      return `bq query --project_id=${c.project} --location=${c.bigquery.location} --nouse_legacy_sql ${q(`GRANT \`${g.role}\` ON SCHEMA \`${c.project}.${c.bigquery.dataset}\` TO "${member}"`)}`;
    case 'secret:kafka-username':
      return secretGrant(c, externalKafka(c).usernameSecret, who);
    case 'secret:kafka-password':
      return secretGrant(c, externalKafka(c).passwordSecret, who);
    case 'secret:api-key':
      return secretGrant(c, c.apiKeySecret, who);
  }
}

/** The external Kafka's settings; the plan only asks for them where the config names one. */
export function externalKafka(c: DeployConfig): ExternalKafka {
  if (c.kafka.provider !== 'external') throw new Error('deploy plan: expected an external Kafka in the config');
  return c.kafka;
}

/** Bootstrap servers the functions connect to: the configured ones, or the managed cluster's documented bootstrap address. */
export function kafkaBootstrap(c: DeployConfig): string {
  const k = c.kafka;
  return k.provider === 'external'
    ? k.bootstrapServers
    : `bootstrap.${k.cluster.name}.${c.region}.managedkafka.${c.project}.cloud.goog:9092`;
}

const secretGrant = (c: DeployConfig, secret: string, who: string) =>
  `gcloud secrets add-iam-policy-binding ${secret} ${who} ${P(c)} >/dev/null`;

export function invokerGrantCommand(c: DeployConfig, folder: string, member: string): string {
  return `gcloud run services add-iam-policy-binding ${functionName(c, folder)} --region=${c.region} ${P(c)} --member=${q(member)} --role=roles/run.invoker >/dev/null`;
}

export function bucketCommand(c: DeployConfig, name: string): string {
  return ensure(
    `gcloud storage buckets describe gs://${name} ${P(c)}`,
    `gcloud storage buckets create gs://${name} ${P(c)} --location=${c.region} --uniform-bucket-level-access --public-access-prevention`,
  );
}

export function datasetCommand(c: DeployConfig): string {
  const ds = `${c.project}:${c.bigquery.dataset}`;
  return ensure(
    `bq show --dataset ${ds}`,
    `bq --location=${c.bigquery.location} mk --dataset --description=${q('fraudflow warehouse')} ${ds}`,
  );
}

/** Creates the table from the generated schema file (day-partitioned, clustered), or adds new columns to an existing one. */
export function tableCommand(c: DeployConfig, def: TableDef, schemaFile: string): string {
  const table = `${c.project}:${c.bigquery.dataset}.${def.name}`;
  const res = bigQueryTableResource(def) as { clustering: { fields: string[] }; description: string };
  return upsert(
    `bq show ${table}`,
    `bq update ${table} ${q(schemaFile)}`,
    `bq mk --table --time_partitioning_type=DAY --time_partitioning_field=${def.partitionBy} --clustering_fields=${res.clustering.fields.join(',')} --description=${q(res.description)} ${table} ${q(schemaFile)}`,
  );
}

/** The `<table>_unique` view readers use (insert ids dedupe retries for a minute only), the same SQL the adapter would create. */
export function viewCommand(c: DeployConfig, def: TableDef): string {
  const view = `${c.project}:${c.bigquery.dataset}.${def.name}_unique`;
  return ensure(
    `bq show ${view}`,
    `bq mk --use_legacy_sql=false --view=${q(uniqueViewSql(c.project, c.bigquery.dataset, def))} ${view}`,
  );
}

export function secretCheckCommand(c: DeployConfig, secret: string): string {
  return `gcloud secrets describe ${secret} ${P(c)} >/dev/null || { echo ${q(`secret ${secret} is missing: printf %s VALUE | gcloud secrets create ${secret} --data-file=- ${P(c)}`)} >&2; exit 1; }`;
}

/** Topics through Kafka's admin API (kafkajs), the SASL credentials read from Secret Manager into the environment only. */
export function kafkaTopicsCommand(
  c: DeployConfig,
  topics: ReadonlyArray<{ name: string; partitions: number; retentionMs: number }>,
): string {
  const k = externalKafka(c);
  const read = (s: string) => `"$(gcloud secrets versions access latest --secret=${s} ${P(c)})"`;
  return [
    `kafka_user=${read(k.usernameSecret)} && kafka_password=${read(k.passwordSecret)} &&`,
    `KAFKA_SASL_USERNAME="$kafka_user" KAFKA_SASL_PASSWORD="$kafka_password" node bin/fraudflow.js deploy kafka-topics`,
    `--brokers=${k.bootstrapServers} --ssl --sasl-mechanism=${k.saslMechanism} --replication-factor=${k.replicationFactor}`,
    ...topics.map((t) => `--topic=${t.name}:${t.partitions}:${t.retentionMs}`),
  ].join(' ');
}

/** The subnet's full name, as Managed Kafka and Serverless VPC Access take it. */
export const subnetPath = (c: DeployConfig, subnet: string): string =>
  `projects/${c.project}/regions/${c.region}/subnetworks/${subnet}`;

/**
 * Creates the managed cluster when absent (it takes up to half an hour; the command waits), or, for an adopted one,
 * stops the plan unless it exists. An existing cluster is never resized by the plan.
 */
export function managedKafkaClusterCommand(c: DeployConfig): string {
  const k = c.kafka;
  if (k.provider !== 'managed') throw new Error('deploy plan: no managed Kafka in the config');
  const where = `--location=${c.region} ${P(c)}`;
  const describe = `gcloud managed-kafka clusters describe ${k.cluster.name} ${where}`;
  if (!k.cluster.create)
    return `${describe} >/dev/null || { echo ${q(`managed Kafka cluster ${k.cluster.name} not found in ${c.region}: create it or set kafka.cluster.create`)} >&2; exit 1; }`;
  return ensure(
    describe,
    `gcloud managed-kafka clusters create ${k.cluster.name} ${where} --cpu=${k.cluster.vcpus} --memory=${k.cluster.memoryGiB}GiB --subnets=${k.cluster.subnets.map((s) => subnetPath(c, s)).join(',')}`,
  );
}

/** A topic of the managed cluster: created with its partitions, replication and retention, or updated to them (Kafka cannot shrink a topic: that update fails). */
export function managedKafkaTopicCommand(
  c: DeployConfig,
  t: { name: string; partitions: number; retentionMs: number },
): string {
  const k = c.kafka;
  if (k.provider !== 'managed') throw new Error('deploy plan: no managed Kafka in the config');
  const where = `--cluster=${k.cluster.name} --location=${c.region} ${P(c)}`;
  const settings = `--partitions=${t.partitions} --configs=retention.ms=${t.retentionMs}`;
  return upsert(
    `gcloud managed-kafka topics describe ${t.name} ${where}`,
    `gcloud managed-kafka topics update ${t.name} ${where} ${settings}`,
    `gcloud managed-kafka topics create ${t.name} ${where} ${settings} --replication-factor=${k.replicationFactor}`,
  );
}

/** The Serverless VPC Access connector (mode `connector`), on its own /28 subnet. */
export function vpcConnectorCommand(c: DeployConfig): string {
  const n = c.network;
  if (!n?.connector) throw new Error('deploy plan: no VPC connector in the config');
  const where = `--region=${c.region} ${P(c)}`;
  return ensure(
    `gcloud compute networks vpc-access connectors describe ${n.connector.name} ${where}`,
    `gcloud compute networks vpc-access connectors create ${n.connector.name} ${where} --subnet=${n.subnet} --machine-type=${n.connector.machineType} --min-instances=${n.connector.minInstances} --max-instances=${n.connector.maxInstances}`,
  );
}

/**
 * Direct VPC egress, set on the function's Cloud Run service right after each deploy: the gcloud CLI checked here (528)
 * has no Direct VPC flags on `functions deploy`, while `run services update` has them.
 */
export function directVpcCommand(c: DeployConfig, folder: string): string {
  const n = c.network;
  if (n?.mode !== 'direct') throw new Error('deploy plan: no Direct VPC egress in the config');
  return `gcloud run services update ${functionName(c, folder)} --region=${c.region} ${P(c)} --network=${n.network} --subnet=${n.subnet} --vpc-egress=${n.egress === 'all' ? 'all-traffic' : 'private-ranges-only'}`;
}

/** The Pub/Sub subscription Eventarc created for a function's trigger, read into `$sub`. */
const triggerSubscription = (c: DeployConfig, folder: string): string =>
  `trigger="$(gcloud functions describe ${functionName(c, folder)} --region=${c.region} ${P(c)} --format='value(eventTrigger.trigger)')" && ` +
  `sub="$(gcloud eventarc triggers describe "$trigger" --location=${c.region} ${P(c)} --format='value(transport.pubsub.subscription)')"`;

/** Pub/Sub's ack deadline is 600 s at most; the function's run plus a margin, so a running delivery is not sent again. */
export const ackDeadlineSeconds = (timeoutSeconds: number): number => Math.min(600, timeoutSeconds + 30);

/**
 * Tunes the trigger's subscription: an ack deadline that covers the function's run and, with `deadLetter`, the
 * dead-letter topic after that many deliveries (Pub/Sub's service agent must publish there and ack here).
 */
export function triggerSubscriptionCommand(c: DeployConfig, fn: FunctionDescriptor): string {
  const s = settingsFor(c, fn.folder);
  const update = [
    `gcloud pubsub subscriptions update "$sub" ${P(c)} --ack-deadline=${ackDeadlineSeconds(s.timeoutSeconds)}`,
  ];
  if (s.deadLetter)
    update.push(
      `--dead-letter-topic=projects/${c.project}/topics/${deadLetterTopic(c, fn.folder)} --max-delivery-attempts=${s.deadLetter.maxDeliveryAttempts} --min-retry-delay=10s --max-retry-delay=600s`,
    );
  return `${triggerSubscription(c, fn.folder)} && ${update.join(' ')}`;
}

/** A push-fed function's trigger subscription: its ack deadline and dead letters after `attempts` deliveries. */
export function pushSubscriptionCommand(
  c: DeployConfig,
  name: string,
  timeoutSeconds: number,
  attempts: number,
): string {
  return (
    `${triggerSubscription(c, name)} && gcloud pubsub subscriptions update "$sub" ${P(c)} --ack-deadline=${ackDeadlineSeconds(timeoutSeconds)}` +
    ` --dead-letter-topic=projects/${c.project}/topics/${deadLetterTopic(c, name)} --max-delivery-attempts=${attempts} --min-retry-delay=1s --max-retry-delay=60s`
  );
}

export const deadLetterTopic = (c: DeployConfig, folder: string): string => `${c.prefix}-${folder}-dead-letter`;
/** The pull subscription that keeps dead letters (a topic without a subscription drops what is published to it). */
export const deadLetterHold = (c: DeployConfig, folder: string): string => `${deadLetterTopic(c, folder)}-hold`;

export function deadLetterHoldCommand(c: DeployConfig, folder: string): string {
  return ensure(
    `gcloud pubsub subscriptions describe ${deadLetterHold(c, folder)} ${P(c)}`,
    `gcloud pubsub subscriptions create ${deadLetterHold(c, folder)} ${P(c)} --topic=${deadLetterTopic(c, folder)} --message-retention-duration=7d --expiration-period=never`,
  );
}

/** Pub/Sub forwards dead letters as its own service agent: publisher on the topic, subscriber on the source subscription. */
export function deadLetterGrantsCommand(c: DeployConfig, folder: string): string {
  const agent = `--member="serviceAccount:service-$number@gcp-sa-pubsub.iam.gserviceaccount.com"`;
  return (
    `number="$(gcloud projects describe ${c.project} --format='value(projectNumber)')" && ${triggerSubscription(c, folder)} && ` +
    `gcloud pubsub topics add-iam-policy-binding ${deadLetterTopic(c, folder)} ${P(c)} ${agent} --role=roles/pubsub.publisher >/dev/null && ` +
    `gcloud pubsub subscriptions add-iam-policy-binding "$sub" ${P(c)} ${agent} --role=roles/pubsub.subscriber >/dev/null`
  );
}

export function pubsubTopicCommand(c: DeployConfig, topic: string): string {
  return ensure(`gcloud pubsub topics describe ${topic} ${P(c)}`, `gcloud pubsub topics create ${topic} ${P(c)}`);
}

/** `gcloud functions deploy` creates or updates: the one command that converges a function to its settings. */
export function deployCommand(c: DeployConfig, fn: FunctionDescriptor, env: FunctionEnv, envFile: string): string {
  const s = settingsFor(c, fn.folder);
  const invoker = serviceAccount(c, 'invoker');
  const trigger =
    fn.trigger.kind === 'http'
      ? `--trigger-http ${s.allowUnauthenticated ? '--allow-unauthenticated' : '--no-allow-unauthenticated'} --ingress-settings=all`
      : s.schedule?.via === 'http'
        ? // Cloud Scheduler calls it in the same project: internal traffic, an OIDC token checked by Cloud Run.
          '--trigger-http --no-allow-unauthenticated --ingress-settings=internal-only'
        : fn.trigger.kind === 'storage-finalized'
          ? `--trigger-event-filters=type=google.cloud.storage.object.v1.finalized --trigger-event-filters=bucket=${c.buckets.uploads} --trigger-location=${c.region} --trigger-service-account=${invoker} --ingress-settings=internal-only${s.retry ? ' --retry' : ''}`
          : `--trigger-topic=${tickTopic(c, fn.folder)} --trigger-service-account=${invoker} --ingress-settings=internal-only${s.retry ? ' --retry' : ''}`;
  const secrets = Object.entries(env.secrets)
    .map(([k, v]) => `${k}=${v}:latest`)
    .join(',');
  const n = c.network;
  // Connector egress is a functions deploy flag; Direct VPC egress is set on the service after it (directVpcCommand).
  const vpc =
    n && fn.uses.kafka
      ? n.mode === 'connector'
        ? ` --vpc-connector=projects/${c.project}/locations/${c.region}/connectors/${n.connector!.name} --egress-settings=${n.egress}`
        : ' --clear-vpc-connector' // the two cannot be combined: a connector left from an earlier config goes
      : '';
  return [
    `gcloud functions deploy ${functionName(c, fn.folder)} --gen2 --runtime=${FUNCTION_RUNTIME} --region=${c.region} ${P(c)} --source=. --entry-point=${fn.entryPoint}`,
    `--memory=${s.memory} --cpu=${s.cpu} --timeout=${s.timeoutSeconds}s --concurrency=${s.concurrency} --min-instances=${s.minInstances} --max-instances=${s.maxInstances}`,
    `--service-account=${serviceAccount(c, fn.folder)} --build-service-account=projects/${c.project}/serviceAccounts/${serviceAccount(c, 'build')}`,
    `--env-vars-file=${q(envFile)}${secrets ? ` --set-secrets=${secrets}` : ' --clear-secrets'} --serve-all-traffic-latest-revision${vpc}`,
    trigger,
  ].join(' ');
}

export function scheduleCommand(c: DeployConfig, fn: FunctionDescriptor): string {
  const s = settingsFor(c, fn.folder);
  if (!s.schedule) throw new Error(`functions.${fn.folder} has no schedule`);
  const job = schedulerJob(c, fn.folder);
  const where = `--location=${c.region} ${P(c)}`;
  const when = `--schedule=${q(s.schedule.cron)} --time-zone=${q(s.schedule.timeZone)}`;
  const body = JSON.stringify(s.schedule.body);
  if (s.schedule.via === 'pubsub') {
    const what = `${when} --topic=${tickTopic(c, fn.folder)} --message-body=${q(body)}`;
    return upsert(
      `gcloud scheduler jobs describe ${job} ${where}`,
      `gcloud scheduler jobs update pubsub ${job} ${where} ${what}`,
      `gcloud scheduler jobs create pubsub ${job} ${where} ${what}`,
    );
  }
  // The same CloudEvent Eventarc would deliver (binary mode, Pub/Sub message data), posted by Scheduler itself.
  const source = `//cloudscheduler.googleapis.com/projects/${c.project}/locations/${c.region}/jobs/${job}`;
  const headers = `Content-Type=application/json,ce-specversion=1.0,ce-type=google.cloud.pubsub.topic.v1.messagePublished,ce-source=${source},ce-id=${job}`;
  const envelope = JSON.stringify({
    message: { data: Buffer.from(body).toString('base64'), messageId: job },
    subscription: `projects/${c.project}/subscriptions/${job}`,
  });
  const what =
    `${when} --uri="$url" --http-method=POST --oidc-service-account-email=${serviceAccount(c, 'invoker')} --oidc-token-audience="$url"` +
    ` --message-body=${q(envelope)} --attempt-deadline=${s.timeoutSeconds}s --max-retry-attempts=0`;
  return (
    `url="$(gcloud functions describe ${functionName(c, fn.folder)} --region=${c.region} ${P(c)} --format='value(url)')" && ` +
    upsert(
      `gcloud scheduler jobs describe ${job} ${where}`,
      `gcloud scheduler jobs update http ${job} ${where} ${what} --update-headers=${headers}`,
      `gcloud scheduler jobs create http ${job} ${where} ${what} --headers=${headers}`,
    )
  );
}

export function imageRepositoryCommand(c: DeployConfig): string {
  const where = `--location=${c.region} ${P(c)}`;
  return ensure(
    `gcloud artifacts repositories describe ${c.prefix} ${where}`,
    `gcloud artifacts repositories create ${c.prefix} ${where} --repository-format=docker --description=${q('fraudflow images')}`,
  );
}

/** Builds an image with Cloud Build (as the build account) unless that tag exists: a new tag ships new code. */
export function imageBuildCommand(c: DeployConfig, image: string, buildConfig: string): string {
  const uri = servingImage(c, image);
  return ensure(
    `gcloud artifacts docker images describe ${uri}`,
    `gcloud builds submit . ${P(c)} --region=${c.region} --config=${q(buildConfig)} --service-account=projects/${c.project}/serviceAccounts/${serviceAccount(c, 'build')}`,
  );
}

/** Vertex AI copies a model's files from the models bucket as its own service agent when a champion is uploaded. */
export function vertexAgentGrantCommand(c: DeployConfig): string {
  return (
    `agent="$(gcloud beta services identity create --service=aiplatform.googleapis.com ${P(c)} --format='value(email)')" && ` +
    `gcloud storage buckets add-iam-policy-binding gs://${c.buckets.models} --member="serviceAccount:$agent" --role=roles/storage.objectViewer ${P(c)} >/dev/null`
  );
}

export function vertexEndpointCommand(c: DeployConfig): string {
  const where = `--region=${c.region} ${P(c)}`;
  return `[ -n "$(gcloud ai endpoints list ${where} --filter=display_name=${c.vertex.endpointName} --format='value(name)')" ] || gcloud ai endpoints create ${where} --display-name=${c.vertex.endpointName}`;
}

/** An env-vars file for `--env-vars-file`: YAML, every value a double-quoted scalar (JSON string escapes are valid YAML). */
export function envYaml(vars: Record<string, string>): string {
  return (
    Object.entries(vars)
      .map(([k, v]) => `${k}: ${JSON.stringify(v)}`)
      .join('\n') + '\n'
  );
}
