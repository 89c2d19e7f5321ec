// Each function's environment (plain variables and Secret Manager mounts), checked at plan time by the config loader the function itself runs.
import { loadConfig, type Config } from '../../shared/config.ts';
import { FraudflowError } from '../../shared/errors.ts';
import { TOPICS } from '../../shared/topics.ts';
import { settingsFor, topicSettingsFor, type DeployConfig } from './config.ts';
import type { FunctionDescriptor } from './functions.ts';
import { kafkaBootstrap, servingImage } from './commands.ts';

export interface FunctionEnv {
  /** Plain environment variables, sorted by name. */
  readonly vars: Record<string, string>;
  /** Variable name -> Secret Manager secret id (mounted at version `latest`), sorted by name. */
  readonly secrets: Record<string, string>;
}

/** Seconds a draining function leaves itself before its timeout to commit and return. */
const DRAIN_MARGIN_SECONDS = 10;

export function functionEnv(c: DeployConfig, fn: FunctionDescriptor): FunctionEnv {
  const s = settingsFor(c, fn.folder);
  const vars: Record<string, string> = { FRAUDFLOW_DATA_DIR: '/tmp/fraudflow' };
  const secrets: Record<string, string> = {};
  if (fn.uses.kafka) {
    const k = c.kafka;
    Object.assign(vars, {
      KAFKA_BROKERS: kafkaBootstrap(c),
      KAFKA_SSL: 'true',
      KAFKA_REPLICATION_FACTOR: String(k.replicationFactor),
      KAFKA_CLIENT_ID: `${c.prefix}-${fn.folder}`,
      // Topics are created by the deploy; this only matters if one is missing when the function starts.
      FRAUDFLOW_PARTITIONS: String(topicSettingsFor(c, TOPICS.transactions).partitions),
    });
    if (k.provider === 'external') {
      vars.KAFKA_SASL_MECHANISM = k.saslMechanism;
      Object.assign(secrets, { KAFKA_SASL_USERNAME: k.usernameSecret, KAFKA_SASL_PASSWORD: k.passwordSecret });
    } else {
      // Managed Kafka: the function's own service-account token (SASL OAUTHBEARER), no user or password.
      vars.KAFKA_SASL_MECHANISM = 'oauthbearer';
    }
  }
  if (fn.uses.apiKey) secrets.FRAUDFLOW_API_KEY = c.apiKeySecret;
  if (fn.uses.uploads) vars.UPLOADS_BUCKET = c.buckets.uploads;
  if (fn.uses.models) vars.MODEL_BUCKET = c.buckets.models;
  if (fn.uses.warehouse)
    Object.assign(vars, {
      BIGQUERY_PROJECT: c.project,
      BIGQUERY_DATASET: c.bigquery.dataset,
      BIGQUERY_LOCATION: c.bigquery.location,
    });
  const v = c.vertex;
  if (v.endpointId && ((fn.uses.vertex === 'serve' && v.serve) || fn.uses.vertex === 'publish')) {
    Object.assign(vars, { VERTEX_PROJECT: c.project, VERTEX_LOCATION: c.region, VERTEX_ENDPOINT_ID: v.endpointId });
  }
  if (v.endpointId && fn.uses.vertex === 'publish') {
    Object.assign(vars, {
      VERTEX_SERVING_IMAGE: servingImage(c, 'model-server'),
      VERTEX_MACHINE_TYPE: v.machineType,
      VERTEX_MAX_REPLICAS: String(v.maxReplicas),
    });
  }
  // Each draining function has its own time budget variable: the sink's, or score-stream's.
  if (fn.drains)
    vars[fn.folder === 'score-stream' ? 'FRAUDFLOW_SCORE_STREAM_MAX_SECONDS' : 'FRAUDFLOW_SINK_MAX_SECONDS'] = String(
      s.timeoutSeconds - DRAIN_MARGIN_SECONDS,
    );
  // Ingest encodes in worker threads: one per vCPU beyond the first, none on one vCPU.
  if (fn.folder === 'ingest') vars.FRAUDFLOW_INGEST_WORKERS = String(s.cpu > 1 ? s.cpu : 0);
  Object.assign(vars, s.env);
  return { vars: sorted(vars), secrets: sorted(secrets) };
}

/**
 * The configuration the deployed function will parse at start-up, from its environment with placeholder secret values.
 * Throws CONFIG_INVALID naming the function when it would not start.
 */
export function configSeenBy(c: DeployConfig, fn: FunctionDescriptor): Config {
  const { vars, secrets } = functionEnv(c, fn);
  const placeholders = Object.fromEntries(Object.keys(secrets).map((k) => [k, `secret-${'x'.repeat(24)}`]));
  try {
    return loadConfig({ ...vars, ...placeholders });
  } catch (e) {
    const problems =
      e instanceof FraudflowError ? ((e.details.problems as string[] | undefined) ?? [e.message]) : [String(e)];
    throw new FraudflowError(
      'CONFIG_INVALID',
      `deploy config: functions.${fn.folder} would not start: ${problems.join('; ')}`,
      { function: fn.folder, problems },
      { cause: e },
    );
  }
}

function sorted(r: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(r).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}
