// Least privilege, derived: the roles each function's service account gets, each on the narrowest resource, with the reason.
import type { DeployConfig } from './config.ts';
import type { FunctionDescriptor } from './functions.ts';

/** Where a role is granted: the project, or one bucket, the dataset, one secret, or one function's Cloud Run service. */
export type GrantTarget =
  | 'project'
  | 'bucket:uploads'
  | 'bucket:models'
  | 'dataset'
  | 'secret:kafka-username'
  | 'secret:kafka-password'
  | 'secret:api-key';

export interface Grant {
  readonly role: string;
  readonly on: GrantTarget;
  readonly why: string;
}

/** The runtime service account's grants: nothing but what `uses` declares, Vertex AI only once the config turns it on. */
// eslint-disable-next-line max-lines-per-function -- one table of grants, a line per role and condition: reads better whole
export function grantsOf(fn: FunctionDescriptor, c: DeployConfig): Grant[] {
  const u = fn.uses;
  const out: Grant[] = [];
  if (u.kafka && c.kafka.provider === 'external') {
    out.push({
      role: 'roles/secretmanager.secretAccessor',
      on: 'secret:kafka-username',
      why: 'Kafka SASL user, mounted as KAFKA_SASL_USERNAME',
    });
    out.push({
      role: 'roles/secretmanager.secretAccessor',
      on: 'secret:kafka-password',
      why: 'Kafka SASL password, mounted as KAFKA_SASL_PASSWORD',
    });
  }
  if (u.kafka && c.kafka.provider === 'managed')
    out.push({
      role: 'roles/managedkafka.client',
      on: 'project',
      why: 'connect to the managed Kafka cluster with its own token (SASL OAUTHBEARER); the role exists on projects only',
    });
  if (u.apiKey)
    out.push({
      role: 'roles/secretmanager.secretAccessor',
      on: 'secret:api-key',
      why: "callers' API key, mounted as FRAUDFLOW_API_KEY",
    });
  if (u.uploads === 'read')
    out.push({ role: 'roles/storage.objectViewer', on: 'bucket:uploads', why: 'read the uploaded files' });
  if (u.models === 'read')
    out.push({
      role: 'roles/storage.objectViewer',
      on: 'bucket:models',
      why: 'read the champion pointer and model artifacts',
    });
  if (u.models === 'write')
    out.push({
      role: 'roles/storage.objectAdmin',
      on: 'bucket:models',
      why: 'write model versions and overwrite the champion pointer',
    });
  if (u.warehouse === 'read')
    out.push({ role: 'roles/bigquery.dataViewer', on: 'dataset', why: 'read the tables and _unique views' });
  if (u.warehouse === 'write')
    out.push({ role: 'roles/bigquery.dataEditor', on: 'dataset', why: 'insert rows into the tables' });
  if (u.warehouse)
    out.push({
      role: 'roles/bigquery.jobUser',
      on: 'project',
      why: 'run query jobs (BigQuery has no narrower scope for jobs)',
    });
  if (u.vertex === 'serve' && c.vertex.serve)
    out.push({ role: 'roles/aiplatform.user', on: 'project', why: 'call the Vertex AI endpoint' });
  if (u.vertex === 'publish' && c.vertex.endpointId)
    out.push({
      role: 'roles/aiplatform.user',
      on: 'project',
      why: 'upload each new champion as a Vertex AI model and deploy it to the endpoint',
    });
  return out;
}

/** The one account that delivers events to the functions (Eventarc trigger identity): it can invoke them and nothing else. */
export const INVOKER_PROJECT_GRANTS: readonly Grant[] = [
  { role: 'roles/eventarc.eventReceiver', on: 'project', why: 'receive Cloud Storage events through Eventarc' },
];

/** The account Cloud Build runs the functions' builds as (new projects no longer give the default one these rights). */
export const BUILD_PROJECT_GRANTS: readonly Grant[] = [
  {
    role: 'roles/cloudbuild.builds.builder',
    on: 'project',
    why: 'build the function images (logs, Artifact Registry, source bucket)',
  },
];
