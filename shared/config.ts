// Environment -> typed, validated configuration, parsed once at start-up; every problem named in one error.
import { availableParallelism } from 'node:os';
import { resolve } from 'node:path';
import { z } from 'zod';
import { FraudflowError } from './errors.ts';
import {
  bucketsConfig,
  eventLogConfig,
  featureStoreConfig,
  retrainConfig,
  scoreConfig,
  vertexConfig,
  warehouseConfig,
} from './config/areas.ts';
import { redisEndpoint } from './config/redis-url.ts';
import { issueLines } from './schema/issues.ts';
import { DEFAULT_MAX_FUTURE_SKEW_SECONDS } from './schema/limits.ts';
import { RAW_FEATURE_VERSIONS } from './features/raw/spec.ts';
import { isDebugLevel } from './config/debug.ts';

const csv = z.string().transform((s) =>
  s
    .split(',')
    .map((x) => x.trim())
    .filter(Boolean),
);
const bool = z.enum(['true', 'false', '1', '0']).transform((s) => s === 'true' || s === '1');
/**
 * Numbers from the environment by an explicit grammar: decimal digits only, so "0x4", " 4 ", "4e0" and "" are refused
 * (z.coerce and Number() would take them as 4, or 0).
 */
const INT_TEXT = /^-?\d{1,16}$/;
const DECIMAL_TEXT = /^-?(\d{1,16}(\.\d{1,16})?|\.\d{1,16})$/;
export const envInt = (min: number, max: number) =>
  z
    .string()
    .regex(INT_TEXT, 'expected an integer written in decimal digits')
    .transform(Number)
    .pipe(z.number().int().min(min).max(max));
const envNumber = (range: z.ZodNumber) =>
  z.string().regex(DECIMAL_TEXT, 'expected a decimal number such as 0.25').transform(Number).pipe(range);
const int = envInt;
/** A DuckDB memory size, MB or GB (DuckDB's units: 1 MB = 1000^2 bytes), at least 16MB; normalised to upper case. */
const duckdbSize = z
  .string()
  .regex(/^\d{1,6}(MB|GB)$/i, 'expected a size such as 192MB or 2GB')
  .transform((s) => s.toUpperCase())
  .refine((s) => Number.parseInt(s, 10) * (s.endsWith('GB') ? 1000 : 1) >= 16, 'use at least 16MB');

export const EnvSchema = z
  .object({
    FRAUDFLOW_DATA_DIR: z.string().min(1).default('.data'),
    FRAUDFLOW_LOG_LEVEL: z
      .string()
      .transform((s) => s.toUpperCase())
      .pipe(z.enum(['DEBUG', 'INFO', 'WARNING', 'ERROR']))
      .default('INFO'),
    FRAUDFLOW_PARTITIONS: int(1, 256).default(4),
    FRAUDFLOW_INGEST_BATCH: int(1, 100_000).default(5000),
    /** Worker threads that decode and encode rows during ingest; 0 = in the calling thread. */
    FRAUDFLOW_INGEST_WORKERS: int(0, 64).default(availableParallelism() >= 2 ? 2 : 0),
    FRAUDFLOW_MAX_RECORD_BYTES: int(1024, 64 << 20).default(1 << 20),
    FRAUDFLOW_EVENTLOG_SYNC: z.enum(['FULL', 'NORMAL']).default('NORMAL'),
    /** Messages per warehouse transaction; unset: 250,000 on DuckDB (fewer, larger transactions are cheaper), 50,000 on BigQuery (memory of a function). */
    FRAUDFLOW_SINK_BATCH: int(1, 1_000_000).optional(),
    FRAUDFLOW_SINK_MAX_ROWS: int(1, 1_000_000_000).default(5_000_000),
    FRAUDFLOW_SINK_MAX_SECONDS: int(1, 3600).default(50),

    KAFKA_BROKERS: csv.pipe(z.array(z.string().regex(/^[^:\s]+:\d+$/, 'expected host:port')).min(1)).optional(),
    KAFKA_CLIENT_ID: z.string().min(1).default('fraudflow'),
    KAFKA_SSL: bool.default(false),
    /** oauthbearer: Google Managed Kafka, with the service account's own token from the metadata server (no username, no password). */
    KAFKA_SASL_MECHANISM: z.enum(['plain', 'scram-sha-256', 'scram-sha-512', 'oauthbearer']).optional(),
    KAFKA_SASL_USERNAME: z.string().min(1).optional(),
    KAFKA_SASL_PASSWORD: z.string().min(1).optional(),
    /** A PEM file of the CA(s) that signed the brokers' certificates, when not a public CA (needs KAFKA_SSL=true). */
    KAFKA_SSL_CA_FILE: z.string().min(1).optional(),
    KAFKA_REPLICATION_FACTOR: int(1, 5).default(1),
    /** How long one produce keeps retrying through a broker outage (with backoff) before it fails. */
    KAFKA_PRODUCE_RETRY_MS: int(0, 3_600_000).default(120_000),

    FRAUDFLOW_THRESHOLD_RULE: z
      .string()
      .regex(
        /^(precision:0?\.\d+|cost:\d+(\.\d+)?:\d+(\.\d+)?)$/,
        'expected precision:<0..1> or cost:<missed fraud>:<false alarm>',
      )
      .default('precision:0.8'),
    FRAUDFLOW_PROMOTION_MARGIN: envNumber(z.number().min(0).max(1)).default(0.005),
    FRAUDFLOW_VALIDATION_FRACTION: envNumber(z.number().gt(0).lt(1)).default(0.2),
    FRAUDFLOW_VALIDATION_GAP_SECONDS: envNumber(z.number().min(0)).optional(),
    FRAUDFLOW_TRAIN_FORMAT: z.enum(['kaggle', 'raw']).optional(),
    /** The Handbook's protocol: day windows (set TRAIN_DAYS to use them; delay and test default to 7 days). */
    FRAUDFLOW_TRAIN_DAYS: int(1, 3650).optional(),
    FRAUDFLOW_DELAY_DAYS: int(0, 3650).optional(),
    FRAUDFLOW_TEST_DAYS: int(1, 3650).optional(),
    /** The test window's last day (inclusive, UTC); unset: the newest labelled day. */
    FRAUDFLOW_END: z
      .string()
      .regex(/^\d{4}-\d{2}-\d{2}$/, 'expected a date like 2018-08-14')
      .optional(),
    FRAUDFLOW_PREQUENTIAL_FOLDS: int(1, 52).default(4),
    FRAUDFLOW_MIN_VALIDATION_ROWS: int(1, 100_000_000).default(1000),
    FRAUDFLOW_MIN_VALIDATION_FRAUDS: int(1, 1_000_000).default(5),
    /** The raw feature spec retrain builds (v1, v2 or v3); unset: the default by prequential AP. */
    FRAUDFLOW_FEATURES: z.enum(RAW_FEATURE_VERSIONS).optional(),
    FRAUDFLOW_MAX_EPOCHS: int(1, 200).default(10),
    FRAUDFLOW_SEED: int(0, 2 ** 31).default(42),
    FRAUDFLOW_REVIEW_RATIO: envNumber(z.number().gt(0).max(1)).default(0.5),
    FRAUDFLOW_FALLBACK_VERDICT: z.enum(['fraud', 'review', 'legit']).default('review'),
    FRAUDFLOW_API_KEY: z.string().min(16, 'use at least 16 characters').optional(),
    FRAUDFLOW_SCORE_MAX_BODY_BYTES: int(1024, 16 << 20).default(1 << 20),
    FRAUDFLOW_SCORE_MAX_BATCH: int(1, 10_000).default(1000),
    /** Cards the review queue shows a day (the investigators' k), and each card's recent transactions. */
    FRAUDFLOW_REVIEW_CARDS: int(1, 10_000).default(100),
    FRAUDFLOW_REVIEW_HISTORY: int(0, 100).default(10),
    /** Online scoring (HTTP and score-stream) refuses a raw transaction dated more than this far ahead of the clock. */
    FRAUDFLOW_MAX_FUTURE_SKEW_SECONDS: int(0, 366 * 86_400).default(DEFAULT_MAX_FUTURE_SKEW_SECONDS),

    VERTEX_PROJECT: z.string().min(1).optional(),
    VERTEX_LOCATION: z.string().min(1).default('us-central1'),
    VERTEX_ENDPOINT_ID: z.string().regex(/^\d+$/, 'the numeric id of the Vertex AI endpoint').optional(),
    FRAUDFLOW_MODEL_TIMEOUT_MS: int(10, 60_000).default(2000),
    /** The serving container (functions/model-server) Vertex AI runs for a published champion; publishing is on when set. */
    VERTEX_SERVING_IMAGE: z
      .string()
      .regex(
        /^[\w.-]+(:\d+)?\/[\w./-]+(:[\w.-]+|@sha256:[0-9a-f]{64})?$/,
        'an image URI such as europe-docker.pkg.dev/proj/repo/model-server:1',
      )
      .optional(),
    VERTEX_MACHINE_TYPE: z
      .string()
      .regex(/^[a-z0-9-]+$/)
      .default('n1-standard-2'),
    VERTEX_MAX_REPLICAS: int(1, 100).default(1),
    UPLOADS_BUCKET: z.string().min(3).optional(),
    MODEL_BUCKET: z.string().min(3).optional(),
    STORAGE_API_ENDPOINT: z.url().optional(),

    BIGQUERY_PROJECT: z.string().min(1).optional(),
    BIGQUERY_DATASET: z
      .string()
      .regex(/^\w{1,1024}$/, 'letters, digits and _ only')
      .optional(),
    BIGQUERY_LOCATION: z.string().min(1).default('US'),
    BIGQUERY_API_ENDPOINT: z.url().optional(),

    /** The largest CloudEvent body (ingest, sink, retrain, score-stream) the HTTP edge reads. */
    FRAUDFLOW_EVENT_MAX_BODY_BYTES: int(1024, 16 << 20).default(1 << 20),
    /** A compressed upload inflating to more than this is refused before any row is produced (gzip bombs). */
    FRAUDFLOW_MAX_DECOMPRESSED_BYTES: int(1 << 20, 2 ** 40).default(4 * 2 ** 30),
    /**
     * A sink batch stops growing at this many message bytes, so memory is bounded whatever the row count. DuckDB's
     * insert of a batch (JSON reader, dedup, WAL) peaks at about 3-4 times its bytes, and freed buffers are returned
     * late: 8 MiB kept `fraudflow sink` of 300k Kaggle rows at 377-378 MB (16 MiB: 482-564 MB) at the same rows/s.
     * The Handbook's 1.75M raw transactions (zod-checked rows, staged) peaked at 601 MB with 8 MiB and 547 MB with 4 MiB
     * (DuckDB limit 192MB), 508 MB with 4 MiB and 128MB, at the rows/s of the old 1,567 MB sink run beside it.
     */
    FRAUDFLOW_SINK_BATCH_BYTES: int(1 << 20, 2 ** 32).default(4 << 20),
    /** The shared online feature state (Memorystore for Redis / Valkey): redis://[user:password@]host:port[/db], rediss:// for TLS. */
    REDIS_URL: z
      .string()
      .refine(
        (s) => redisEndpoint(s) !== undefined,
        'expected redis://[user:password@]host[:port][/db] or rediss://...',
      )
      .optional(),
    /** PEM file of the CA that signs the Redis server's certificate (Memorystore's server CA), for rediss://. */
    REDIS_TLS_CA_FILE: z.string().min(1).optional(),
    /** Budget of one score-stream run (its own, not the sink's): it stops after this many messages or seconds. */
    FRAUDFLOW_SCORE_STREAM_MAX_ROWS: int(1, 1_000_000_000).default(5_000_000),
    FRAUDFLOW_SCORE_STREAM_MAX_SECONDS: int(1, 3600).default(50),
    /** The shadow challenger: `auto` (the newest candidate retraining did not promote), `off`, or a version name. */
    FRAUDFLOW_SHADOW: z
      .string()
      .regex(/^[\w.-]{1,128}$/, 'expected auto, off or a model version name')
      .default('auto'),
    /** The share of HTTP score calls the shadow also scores (every streamed transaction is). */
    FRAUDFLOW_SHADOW_HTTP_SHARE: envNumber(z.number().min(0).max(1)).default(0.1),
    /** `immediate` (on the validation window), or `shadow:<n>d`: only after beating the champion on n days of matured live traffic. */
    FRAUDFLOW_PROMOTION: z
      .string()
      .regex(/^(immediate|shadow:\d{1,3}d)$/, 'expected immediate or shadow:<days>d, e.g. shadow:7d')
      .default('immediate'),
    /** At promotion, the largest relative change of alert volume at the new threshold before it is recalibrated (or refused). */
    FRAUDFLOW_THRESHOLD_MAX_SHIFT: envNumber(z.number().min(0).max(100)).default(0.2),
    FRAUDFLOW_THRESHOLD_ON_SHIFT: z.enum(['recalibrate', 'refuse']).default('recalibrate'),
    /**
     * DuckDB's memory limit (its buffer manager: past it, sorts, joins and aggregates spill to <data>/warehouse.duckdb.tmp) for the
     * warehouse's connections; unset: DuckDB's own default, 80% of RAM. The sink has its own (FRAUDFLOW_SINK_DUCKDB_MEMORY_LIMIT).
     */
    FRAUDFLOW_DUCKDB_MEMORY_LIMIT: duckdbSize.optional(),
    /** DuckDB's memory limit while the sink writes (it needs little: a batch is 4 MiB); see FRAUDFLOW_DUCKDB_MEMORY_LIMIT. */
    FRAUDFLOW_SINK_DUCKDB_MEMORY_LIMIT: duckdbSize.default('128MB'),
  })
  .superRefine((env, ctx) => {
    if (Boolean(env.BIGQUERY_PROJECT) !== Boolean(env.BIGQUERY_DATASET)) {
      ctx.addIssue({
        code: 'custom',
        path: [env.BIGQUERY_PROJECT ? 'BIGQUERY_DATASET' : 'BIGQUERY_PROJECT'],
        message: 'BIGQUERY_PROJECT and BIGQUERY_DATASET go together',
      });
    }
    if (
      env.KAFKA_SASL_MECHANISM &&
      env.KAFKA_SASL_MECHANISM !== 'oauthbearer' &&
      !(env.KAFKA_SASL_USERNAME && env.KAFKA_SASL_PASSWORD)
    ) {
      ctx.addIssue({
        code: 'custom',
        path: ['KAFKA_SASL_USERNAME'],
        message: 'KAFKA_SASL_MECHANISM is set: KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD are required',
      });
    }
    // OAUTHBEARER authenticates as the function's service account: a username or password would be silently unused.
    for (const name of ['KAFKA_SASL_USERNAME', 'KAFKA_SASL_PASSWORD'] as const) {
      if (env.KAFKA_SASL_MECHANISM === 'oauthbearer' && env[name] !== undefined)
        ctx.addIssue({
          code: 'custom',
          path: [name],
          message: 'must not be set with KAFKA_SASL_MECHANISM=oauthbearer (the service account token is used)',
        });
    }
    if (env.KAFKA_SSL_CA_FILE && !env.KAFKA_SSL)
      ctx.addIssue({ code: 'custom', path: ['KAFKA_SSL_CA_FILE'], message: 'is set: KAFKA_SSL=true is required' });
  });
export type Env = z.infer<typeof EnvSchema>;

export { redisEndpoint } from './config/redis-url.ts';

export type { Config, KafkaConfig, RedisConfig, ShadowChoice } from './config/types.ts';
import type { Config, ShadowChoice } from './config/types.ts';

function shadowChoice(text: string): ShadowChoice {
  return text === 'off' || text === 'auto' ? { kind: text } : { kind: 'version', version: text };
}

/** The configuration from the environment (empty variables count as unset); CONFIG_INVALID naming every problem. */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  // Empty variables count as unset, as a shell `FOO=` usually means.
  const present = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = EnvSchema.safeParse(present);
  if (!parsed.success) {
    const problems = issueLines(parsed.error, '');
    throw new FraudflowError('CONFIG_INVALID', `invalid configuration: ${problems.join('; ')}`, { problems });
  }
  const e = parsed.data;
  const dataDir = resolve(e.FRAUDFLOW_DATA_DIR);
  return {
    dataDir,
    logLevel: e.FRAUDFLOW_LOG_LEVEL,
    partitions: e.FRAUDFLOW_PARTITIONS,
    ingestBatch: e.FRAUDFLOW_INGEST_BATCH,
    ingestWorkers: e.FRAUDFLOW_INGEST_WORKERS,
    maxRecordBytes: e.FRAUDFLOW_MAX_RECORD_BYTES,
    eventLog: eventLogConfig(e, dataDir),
    uploadsDir: resolve(dataDir, 'uploads'),
    buckets: bucketsConfig(e),
    warehouse: warehouseConfig(e, dataDir),
    sink: {
      batch: e.FRAUDFLOW_SINK_BATCH ?? (e.BIGQUERY_PROJECT ? 50_000 : 250_000),
      maxRows: e.FRAUDFLOW_SINK_MAX_ROWS,
      maxSeconds: e.FRAUDFLOW_SINK_MAX_SECONDS,
      duckdbMemoryLimit: e.FRAUDFLOW_SINK_DUCKDB_MEMORY_LIMIT,
    },
    modelsDir: resolve(dataDir, 'models'),
    ...vertexConfig(e),
    score: scoreConfig(e),
    review: { cards: e.FRAUDFLOW_REVIEW_CARDS, historyPerCard: e.FRAUDFLOW_REVIEW_HISTORY },
    retrain: retrainConfig(e),
    eventMaxBodyBytes: e.FRAUDFLOW_EVENT_MAX_BODY_BYTES,
    maxDecompressedBytes: e.FRAUDFLOW_MAX_DECOMPRESSED_BYTES,
    sinkBatchBytes: e.FRAUDFLOW_SINK_BATCH_BYTES,
    featureStore: featureStoreConfig(e, dataDir),
    scoreStream: { maxRows: e.FRAUDFLOW_SCORE_STREAM_MAX_ROWS, maxSeconds: e.FRAUDFLOW_SCORE_STREAM_MAX_SECONDS },
    shadow: { choice: shadowChoice(e.FRAUDFLOW_SHADOW), httpShare: e.FRAUDFLOW_SHADOW_HTTP_SHARE },
    promotion: {
      shadowDays: e.FRAUDFLOW_PROMOTION === 'immediate' ? null : Number(e.FRAUDFLOW_PROMOTION.slice(7, -1)),
      thresholdMaxShift: e.FRAUDFLOW_THRESHOLD_MAX_SHIFT,
      onShift: e.FRAUDFLOW_THRESHOLD_ON_SHIFT,
    },
  };
}

/** Whether the operator asked for debug output (stack traces included), read without loading the whole config. */
export function debugRequested(env: NodeJS.ProcessEnv = process.env): boolean {
  return isDebugLevel(env.FRAUDFLOW_LOG_LEVEL);
}

/**
 * The function functions-framework serves in this process, if any: its `--target` option, else FUNCTION_TARGET (the
 * buildpack sets one or the other), as functions-framework itself reads them.
 */
export function frameworkTarget(
  env: Record<string, string | undefined> = process.env,
  argv: readonly string[] = process.argv,
): string | undefined {
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a.startsWith('--target=')) return a.slice('--target='.length) || undefined;
    if (a === '--target') return argv[i + 1] || undefined;
  }
  const t = env.FUNCTION_TARGET;
  return t === undefined || t === '' ? undefined : t;
}
