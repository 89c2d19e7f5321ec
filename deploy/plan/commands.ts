// The shell lines of the plan: gcloud, bq and fraudflow commands, each idempotent (describe, then create or update).
import type { TableDef } from '../../shared/warehouse/tables.ts';
import { bigQueryTableResource, uniqueViewSql } from '../../shared/warehouse/bigquery.ts';
import { settingsFor, type DeployConfig } from './config.ts';
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
      return secretGrant(c, c.kafka.usernameSecret, who);
    case 'secret:kafka-password':
      return secretGrant(c, c.kafka.passwordSecret, who);
    case 'secret:api-key':
      return secretGrant(c, c.apiKeySecret, who);
  }
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
  const read = (s: string) => `"$(gcloud secrets versions access latest --secret=${s} ${P(c)})"`;
  return [
    `kafka_user=${read(c.kafka.usernameSecret)} && kafka_password=${read(c.kafka.passwordSecret)} &&`,
    `KAFKA_SASL_USERNAME="$kafka_user" KAFKA_SASL_PASSWORD="$kafka_password" node bin/fraudflow.js deploy kafka-topics`,
    `--brokers=${c.kafka.bootstrapServers} --ssl --sasl-mechanism=${c.kafka.saslMechanism} --replication-factor=${c.kafka.replicationFactor}`,
    ...topics.map((t) => `--topic=${t.name}:${t.partitions}:${t.retentionMs}`),
  ].join(' ');
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
  return [
    `gcloud functions deploy ${functionName(c, fn.folder)} --gen2 --runtime=nodejs20 --region=${c.region} ${P(c)} --source=. --entry-point=${fn.entryPoint}`,
    `--memory=${s.memory} --cpu=${s.cpu} --timeout=${s.timeoutSeconds}s --concurrency=${s.concurrency} --min-instances=${s.minInstances} --max-instances=${s.maxInstances}`,
    `--service-account=${serviceAccount(c, fn.folder)} --build-service-account=projects/${c.project}/serviceAccounts/${serviceAccount(c, 'build')}`,
    `--env-vars-file=${q(envFile)}${secrets ? ` --set-secrets=${secrets}` : ' --clear-secrets'} --serve-all-traffic-latest-revision`,
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
