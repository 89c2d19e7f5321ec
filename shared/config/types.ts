// The configuration's shape: what loadConfig (../config.ts) gives every function, by area.
import type { Env } from '../config.ts';
import type { RawFeatureVersion } from '../features/raw/spec.ts';

/** A Redis endpoint as REDIS_URL gives it (the shape the Redis feature state connects with). */
export interface RedisConfig {
  readonly host: string;
  readonly port: number;
  readonly tls: boolean;
  readonly username?: string;
  readonly password?: string;
  readonly db: number;
  readonly caFile?: string;
}

export interface KafkaConfig {
  readonly brokers: string[];
  readonly clientId: string;
  readonly ssl: boolean;
  readonly sasl?:
    | { mechanism: 'plain' | 'scram-sha-256' | 'scram-sha-512'; username: string; password: string }
    | { mechanism: 'oauthbearer' };
  /** PEM file of the CA that signed the brokers' certificates (instead of the system's public CAs). */
  readonly sslCaFile?: string;
  readonly replicationFactor: number;
  /** How long one produce keeps retrying through a broker outage; 2 minutes when unset. */
  readonly produceRetryMs?: number;
}

export interface Config {
  readonly dataDir: string;
  readonly logLevel: Env['FRAUDFLOW_LOG_LEVEL'];
  readonly partitions: number;
  readonly ingestBatch: number;
  readonly ingestWorkers: number;
  readonly maxRecordBytes: number;
  readonly eventLog:
    { kind: 'embedded'; path: string; synchronous: 'FULL' | 'NORMAL' } | { kind: 'kafka'; kafka: KafkaConfig };
  readonly uploadsDir: string;
  /** Cloud Storage instead of local folders, when set. */
  readonly buckets: { uploads?: string; models?: string; apiEndpoint?: string };
  readonly warehouse:
    | { kind: 'duckdb'; path: string; memoryLimit?: string }
    | { kind: 'bigquery'; projectId: string; dataset: string; location: string; apiEndpoint?: string };
  readonly sink: {
    batch: number;
    maxRows: number;
    maxSeconds: number;
    /** DuckDB's memory limit while the sink writes (FRAUDFLOW_SINK_DUCKDB_MEMORY_LIMIT). */
    duckdbMemoryLimit: string;
  };
  readonly modelsDir: string;
  /** Score through a Vertex AI endpoint instead of the in-process champion, when set. */
  readonly vertex?: { project: string; location: string; endpointId: string; timeoutMs: number };
  /** Publish each new champion to that Vertex AI endpoint (upload + deploy), when the serving image is set too. */
  readonly vertexPublish?: {
    project: string;
    location: string;
    endpointId: string;
    servingImage: string;
    machineType: string;
    minReplicas: number;
    maxReplicas: number;
  };
  readonly score: {
    reviewRatio: number;
    fallbackVerdict: 'fraud' | 'review' | 'legit';
    apiKey?: string;
    maxBodyBytes: number;
    maxBatch: number;
    maxFutureSkewSeconds: number;
  };
  readonly review: { cards: number; historyPerCard: number };
  readonly retrain: {
    thresholdRule:
      | { kind: 'target-precision'; precision: number }
      | { kind: 'min-cost'; missedFraudCost: number; falseAlarmCost: number };
    promotionMargin: number;
    validationFraction: number;
    gapSeconds: number | undefined;
    maxEpochs: number;
    seed: number;
    format: 'kaggle' | 'raw' | undefined;
    windows: { trainDays: number; delayDays: number; testDays: number; end?: string } | undefined;
    prequentialFolds: number;
    minValidationRows: number;
    minValidationFrauds: number;
    features: RawFeatureVersion | undefined;
  };
  /** The largest CloudEvent body the HTTP edge of an event-driven function reads. */
  readonly eventMaxBodyBytes: number;
  readonly maxDecompressedBytes: number;
  readonly sinkBatchBytes: number;
  /** The online feature state: SQLite in the data directory, or Redis shared by every instance when REDIS_URL is set. */
  readonly featureStore: { kind: 'sqlite'; path: string } | { kind: 'redis'; redis: RedisConfig };
  /** Budget of one score-stream run: messages read and seconds. */
  readonly scoreStream: { maxRows: number; maxSeconds: number };
  /** The shadow challenger scored beside the champion: which version, and the share of HTTP calls it sees. */
  readonly shadow: { choice: ShadowChoice; httpShare: number };
  /** When a challenger takes over: at once, or after a shadow period; and what guards its threshold. */
  readonly promotion: {
    shadowDays: number | null;
    thresholdMaxShift: number;
    onShift: 'recalibrate' | 'refuse';
  };
}

export type ShadowChoice = { kind: 'off' } | { kind: 'auto' } | { kind: 'version'; version: string };
