// Each area's slice of the configuration, from the parsed environment (loadConfig in ../config.ts reads and parses it).
import { resolve } from 'node:path';
import type { Config, Env } from '../config.ts';
import { redisEndpoint } from './redis-url.ts';
import { rawVersionOf } from '../features/raw/spec.ts';

export function eventLogConfig(e: Env, dataDir: string): Config['eventLog'] {
  return e.KAFKA_BROKERS
    ? {
        kind: 'kafka',
        kafka: {
          brokers: e.KAFKA_BROKERS,
          clientId: e.KAFKA_CLIENT_ID,
          ssl: e.KAFKA_SSL,
          replicationFactor: e.KAFKA_REPLICATION_FACTOR,
          produceRetryMs: e.KAFKA_PRODUCE_RETRY_MS,
          ...(e.KAFKA_SSL_CA_FILE ? { sslCaFile: resolve(e.KAFKA_SSL_CA_FILE) } : {}),
          ...(e.KAFKA_SASL_MECHANISM === 'oauthbearer'
            ? { sasl: { mechanism: 'oauthbearer' as const } }
            : e.KAFKA_SASL_MECHANISM
              ? {
                  sasl: {
                    mechanism: e.KAFKA_SASL_MECHANISM,
                    username: e.KAFKA_SASL_USERNAME!,
                    password: e.KAFKA_SASL_PASSWORD!,
                  },
                }
              : {}),
        },
      }
    : { kind: 'embedded', path: resolve(dataDir, 'eventlog.sqlite'), synchronous: e.FRAUDFLOW_EVENTLOG_SYNC };
}

export function bucketsConfig(e: Env): Config['buckets'] {
  return {
    ...(e.UPLOADS_BUCKET ? { uploads: e.UPLOADS_BUCKET } : {}),
    ...(e.MODEL_BUCKET ? { models: e.MODEL_BUCKET } : {}),
    ...(e.STORAGE_API_ENDPOINT ? { apiEndpoint: e.STORAGE_API_ENDPOINT } : {}),
  };
}

export function warehouseConfig(e: Env, dataDir: string): Config['warehouse'] {
  return e.BIGQUERY_PROJECT && e.BIGQUERY_DATASET
    ? {
        kind: 'bigquery',
        projectId: e.BIGQUERY_PROJECT,
        dataset: e.BIGQUERY_DATASET,
        location: e.BIGQUERY_LOCATION,
        ...(e.BIGQUERY_API_ENDPOINT ? { apiEndpoint: e.BIGQUERY_API_ENDPOINT } : {}),
      }
    : {
        kind: 'duckdb',
        path: resolve(dataDir, 'warehouse.duckdb'),
        ...(e.FRAUDFLOW_DUCKDB_MEMORY_LIMIT ? { memoryLimit: e.FRAUDFLOW_DUCKDB_MEMORY_LIMIT } : {}),
      };
}

/** Vertex AI scoring once an endpoint is named; publishing champions to it once a serving image is too. */
export function vertexConfig(e: Env): Pick<Config, 'vertex' | 'vertexPublish'> {
  return {
    ...(e.VERTEX_PROJECT && e.VERTEX_ENDPOINT_ID
      ? {
          vertex: {
            project: e.VERTEX_PROJECT,
            location: e.VERTEX_LOCATION,
            endpointId: e.VERTEX_ENDPOINT_ID,
            timeoutMs: e.FRAUDFLOW_MODEL_TIMEOUT_MS,
          },
        }
      : {}),
    ...(e.VERTEX_PROJECT && e.VERTEX_ENDPOINT_ID && e.VERTEX_SERVING_IMAGE
      ? {
          vertexPublish: {
            project: e.VERTEX_PROJECT,
            location: e.VERTEX_LOCATION,
            endpointId: e.VERTEX_ENDPOINT_ID,
            servingImage: e.VERTEX_SERVING_IMAGE,
            machineType: e.VERTEX_MACHINE_TYPE,
            minReplicas: 1,
            maxReplicas: e.VERTEX_MAX_REPLICAS,
          },
        }
      : {}),
  };
}

export function scoreConfig(e: Env): Config['score'] {
  return {
    reviewRatio: e.FRAUDFLOW_REVIEW_RATIO,
    fallbackVerdict: e.FRAUDFLOW_FALLBACK_VERDICT,
    maxBodyBytes: e.FRAUDFLOW_SCORE_MAX_BODY_BYTES,
    maxBatch: e.FRAUDFLOW_SCORE_MAX_BATCH,
    maxFutureSkewSeconds: e.FRAUDFLOW_MAX_FUTURE_SKEW_SECONDS,
    ...(e.FRAUDFLOW_API_KEY ? { apiKey: e.FRAUDFLOW_API_KEY } : {}),
  };
}

export function retrainConfig(e: Env): Config['retrain'] {
  return {
    thresholdRule: thresholdRule(e.FRAUDFLOW_THRESHOLD_RULE),
    promotionMargin: e.FRAUDFLOW_PROMOTION_MARGIN,
    validationFraction: e.FRAUDFLOW_VALIDATION_FRACTION,
    gapSeconds: e.FRAUDFLOW_VALIDATION_GAP_SECONDS,
    maxEpochs: e.FRAUDFLOW_MAX_EPOCHS,
    seed: e.FRAUDFLOW_SEED,
    format: e.FRAUDFLOW_TRAIN_FORMAT,
    windows:
      e.FRAUDFLOW_TRAIN_DAYS !== undefined
        ? {
            trainDays: e.FRAUDFLOW_TRAIN_DAYS,
            delayDays: e.FRAUDFLOW_DELAY_DAYS ?? 7,
            testDays: e.FRAUDFLOW_TEST_DAYS ?? 7,
            ...(e.FRAUDFLOW_END ? { end: e.FRAUDFLOW_END } : {}),
          }
        : undefined,
    prequentialFolds: e.FRAUDFLOW_PREQUENTIAL_FOLDS,
    minValidationRows: e.FRAUDFLOW_MIN_VALIDATION_ROWS,
    minValidationFrauds: e.FRAUDFLOW_MIN_VALIDATION_FRAUDS,
    features: e.FRAUDFLOW_FEATURES === undefined ? undefined : rawVersionOf(e.FRAUDFLOW_FEATURES),
  };
}

export function featureStoreConfig(e: Env, dataDir: string): Config['featureStore'] {
  return e.REDIS_URL
    ? {
        kind: 'redis',
        redis: { ...redisEndpoint(e.REDIS_URL)!, ...(e.REDIS_TLS_CA_FILE ? { caFile: e.REDIS_TLS_CA_FILE } : {}) },
      }
    : { kind: 'sqlite', path: resolve(dataDir, 'features.sqlite') };
}

function thresholdRule(text: string): Config['retrain']['thresholdRule'] {
  const [kind, a, b] = text.split(':');
  return kind === 'precision'
    ? { kind: 'target-precision', precision: Number(a) }
    : { kind: 'min-cost', missedFraudCost: Number(a), falseAlarmCost: Number(b) };
}
