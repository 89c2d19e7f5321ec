// The one deploy configuration, validated with zod; its function and topic keys come from the descriptors and shared/topics.ts.
import { z } from 'zod';
import { EnvSchema } from '../../shared/config.ts';
import { topicSpecs } from '../../shared/topics.ts';
import { FUNCTIONS, type FunctionDescriptor } from './functions.ts';
import { StreamPushSchema } from './push.ts';

// Every value below ends up in a shell command: each is held to the grammar of the thing it names, never free text.
const projectId = z
  .string()
  .regex(/^[a-z][a-z0-9-]{4,28}[a-z0-9]$/, 'a GCP project id (6-30 lowercase letters, digits, hyphens)');
const region = z.string().regex(/^[a-z]+-[a-z]+\d+$/, 'a region like europe-west1');
const bucket = z
  .string()
  .regex(
    /^[a-z0-9][a-z0-9._-]{1,61}[a-z0-9]$/,
    'a bucket name (3-63 lowercase letters, digits, dots, hyphens, underscores)',
  );
const secretId = z.string().regex(/^[A-Za-z0-9_-]{1,255}$/, 'a Secret Manager secret id (letters, digits, - and _)');
const location = z.string().regex(/^[A-Za-z0-9-]{2,32}$/, 'a location like EU, US or europe-west1');
const hostPorts = z
  .string()
  .regex(/^[A-Za-z0-9.-]+:\d{1,5}(,[A-Za-z0-9.-]+:\d{1,5})*$/, 'host:port[,host:port...] without spaces');
const cronField = '[0-9A-Za-z*/,-]+';
const cron = z
  .string()
  .regex(
    new RegExp(`^${cronField}( ${cronField}){4}$`),
    'a five-field unix-cron expression, fields separated by one space',
  );
const timeZone = z
  .string()
  .regex(/^[A-Za-z]+(\/[A-Za-z0-9_+-]+){0,2}$/, 'an IANA time zone like Etc/UTC or Europe/Paris');
const member = z
  .string()
  .regex(
    /^(user|serviceAccount|group|domain):[A-Za-z0-9.@_-]+$/,
    'an IAM member like serviceAccount:name@project.iam.gserviceaccount.com',
  );
const ENV_NAMES = new Set(Object.keys(EnvSchema.shape));
const envOverrides = z.record(z.string(), z.string().regex(/^[^\n\r]*$/, 'one line')).superRefine((env, ctx) => {
  for (const k of Object.keys(env))
    if (!ENV_NAMES.has(k))
      ctx.addIssue({ code: 'custom', path: [k], message: 'not a fraudflow setting (see shared/config.ts)' });
});

const MEMORY_MIB = {
  '256Mi': 256,
  '512Mi': 512,
  '1Gi': 1024,
  '2Gi': 2048,
  '4Gi': 4096,
  '8Gi': 8192,
  '16Gi': 16384,
} as const;
export const memoryMiB = (m: keyof typeof MEMORY_MIB): number => MEMORY_MIB[m];

/**
 * Timeout limits: event-driven (Eventarc) functions stop after 540 s, HTTP ones after 3600 s; a Cloud Scheduler
 * HTTP call waits 1800 s at most, so a function it calls directly gets that much.
 */
export const MAX_TIMEOUT_SECONDS = { cloudevent: 540, http: 3600, scheduledHttp: 1800 } as const;

const schedule = z
  .object({
    cron,
    timeZone: timeZone.default('Etc/UTC'),
    /** `pubsub`: Scheduler -> Pub/Sub -> Eventarc (540 s limit); `http`: Scheduler calls the function with an OIDC token (1800 s). */
    via: z.enum(['pubsub', 'http']).default('pubsub'),
    /** The message the function receives (JSON), e.g. retrain's {"format": "raw"}. */
    body: z.record(z.string(), z.json()).default({}),
  })
  .strict();

function settingsOf(fn: FunctionDescriptor) {
  const base = z.object({
    memory: z.enum(Object.keys(MEMORY_MIB) as [keyof typeof MEMORY_MIB, ...Array<keyof typeof MEMORY_MIB>]),
    cpu: z.union([z.literal(1), z.literal(2), z.literal(4)]),
    timeoutSeconds: z
      .number()
      .int()
      .min(fn.drains ? 20 : 1)
      .max(MAX_TIMEOUT_SECONDS.http, `functions time out after ${MAX_TIMEOUT_SECONDS.http} s at most`),
    concurrency: z.number().int().min(1).max(1000),
    minInstances: z.number().int().min(0).max(100),
    maxInstances: z.number().int().min(1).max(1000),
    /** Extra fraudflow settings (shared/config.ts names), validated with the function's whole environment at plan time. */
    env: envOverrides.default({}),
  });
  /** Redeliver a failed event (Eventarc retries for up to 24 h): only for idempotent handlers. */
  const retry = z.boolean().default(false);
  if (fn.trigger.kind === 'schedule')
    return base.extend({ retry, schedule }).strict().superRefine(cloudRunLimits).superRefine(timeoutLimit);
  if (fn.trigger.kind === 'http')
    return base
      .extend({ allowUnauthenticated: z.boolean().default(false), invokers: z.array(member).default([]) })
      .strict()
      .superRefine(cloudRunLimits);
  return base
    .extend({
      retry,
      /**
       * Where an event goes after this many failed deliveries (5-100): a Pub/Sub dead-letter topic the plan creates, with a
       * subscription that keeps its messages 7 days. Needs `retry`: without it a failed event is dropped at once.
       */
      deadLetter: z
        .object({ maxDeliveryAttempts: z.number().int().min(5).max(100) })
        .strict()
        .optional(),
    })
    .strict()
    .superRefine(cloudRunLimits)
    .superRefine(timeoutLimit)
    .superRefine((s, ctx) => {
      if (s.deadLetter && !s.retry)
        ctx.addIssue({
          code: 'custom',
          path: ['deadLetter'],
          message: 'needs retry: true (events are only redelivered with it)',
        });
    });
}

function timeoutLimit(
  s: { timeoutSeconds: number; retry: boolean; schedule?: { via: 'pubsub' | 'http' } },
  ctx: z.RefinementCtx,
): void {
  const direct = s.schedule?.via === 'http';
  const max = direct ? MAX_TIMEOUT_SECONDS.scheduledHttp : MAX_TIMEOUT_SECONDS.cloudevent;
  if (s.timeoutSeconds > max) {
    ctx.addIssue({
      code: 'custom',
      path: ['timeoutSeconds'],
      message: direct
        ? `Cloud Scheduler waits ${max} s at most for an HTTP call`
        : `event-driven functions time out after ${max} s at most${s.schedule ? ' (schedule.via "http" allows 1800)' : ''}`,
    });
  }
  if (direct && s.retry)
    ctx.addIssue({
      code: 'custom',
      path: ['retry'],
      message: 'a function Cloud Scheduler calls directly is not retried by Eventarc',
    });
}

interface Sizes {
  readonly memory: keyof typeof MEMORY_MIB;
  readonly cpu: number;
  readonly minInstances: number;
  readonly maxInstances: number;
}

function cloudRunLimits(s: Sizes, ctx: z.RefinementCtx): void {
  const problem = (path: string, message: string) => ctx.addIssue({ code: 'custom', path: [path], message });
  const mib = memoryMiB(s.memory);
  if (s.minInstances > s.maxInstances) problem('minInstances', 'must not exceed maxInstances');
  if (mib > 4096 && s.cpu < 2) problem('cpu', 'more than 4Gi of memory needs cpu 2 or 4 (Cloud Run)');
  if (mib > 8192 && s.cpu < 4) problem('cpu', 'more than 8Gi of memory needs cpu 4 (Cloud Run)');
  if (s.cpu >= 4 && mib < 2048) problem('memory', 'cpu 4 needs at least 2Gi of memory (Cloud Run)');
}

const functionsSchema = z.object(Object.fromEntries(FUNCTIONS.map((f) => [f.folder, settingsOf(f)]))).strict();

const topicSettings = z
  .object({
    partitions: z.number().int().min(1).max(10_000),
    /** Kafka retention.ms; -1 keeps records forever. */
    retentionMs: z
      .number()
      .int()
      .refine((n) => n === -1 || n >= 60_000, 'at least 60000 (one minute), or -1 for no limit'),
  })
  .strict();
const topicsSchema = z.object(Object.fromEntries(topicSpecs(1).map((t) => [t.name, topicSettings]))).strict();

const resourceName = z
  .string()
  .regex(/^[a-z]([-a-z0-9]{0,61}[a-z0-9])?$/, 'a resource name (lowercase letters, digits, hyphens)');

/** Any Kafka reached over SASL_SSL with a user and password in Secret Manager (Confluent Cloud, over the public internet). */
const externalKafka = z
  .object({
    provider: z.literal('external'),
    bootstrapServers: hostPorts,
    saslMechanism: z.enum(['plain', 'scram-sha-256', 'scram-sha-512']),
    usernameSecret: secretId,
    passwordSecret: secretId,
    replicationFactor: z.number().int().min(1).max(5).default(3),
    topics: topicsSchema,
  })
  .strict();

/**
 * Google Cloud Managed Service for Apache Kafka: the plan creates (or adopts) the cluster and its topics with gcloud;
 * functions authenticate with SASL OAUTHBEARER using their own service account's token (no secrets).
 */
const managedKafka = z
  .object({
    provider: z.literal('managed'),
    cluster: z
      .object({
        name: resourceName,
        /** `false`: adopt a cluster that exists already (the plan checks it and never creates or resizes it). */
        create: z.boolean().default(true),
        /** vCPUs of a created cluster (at least 3); memory is 1-8 GiB per vCPU. */
        vcpus: z.number().int().min(3).max(1000).default(3),
        memoryGiB: z.number().int().min(3).max(8000).default(3),
        /** Subnets the cluster's private endpoints are placed in (the functions' VPC must reach one), short names in the region. */
        subnets: z.array(resourceName).min(1),
      })
      .strict()
      .refine((k) => k.memoryGiB >= k.vcpus && k.memoryGiB <= 8 * k.vcpus, {
        message: 'memoryGiB must be 1 to 8 GiB per vCPU',
        path: ['memoryGiB'],
      }),
    replicationFactor: z.number().int().min(1).max(3).default(3),
    topics: topicsSchema,
  })
  .strict();

/** Older configs have no `provider`: they mean an external Kafka. */
const kafkaSchema = z.preprocess(
  (v) =>
    typeof v === 'object' && v !== null && !Array.isArray(v) && !('provider' in v) ? { ...v, provider: 'external' } : v,
  z.discriminatedUnion('provider', [externalKafka, managedKafka]),
);
export type ExternalKafka = z.infer<typeof externalKafka>;
export type ManagedKafka = z.infer<typeof managedKafka>;

/**
 * Private egress of the Kafka-using functions. `direct`: Direct VPC egress, instances get addresses in `subnet` (/26 or
 * larger). `connector`: a Serverless VPC Access connector on `subnet` (a dedicated /28), created by the plan.
 * `egress`: `private-ranges-only` sends only RFC 1918 traffic to the VPC (public Kafka still reachable directly);
 * `all` sends everything (public addresses then need Cloud NAT on the network).
 */
const networkSchema = z
  .object({
    mode: z.enum(['direct', 'connector']),
    network: resourceName,
    subnet: resourceName,
    egress: z.enum(['private-ranges-only', 'all']).default('private-ranges-only'),
    connector: z
      .object({
        name: z
          .string()
          .regex(/^[a-z][-a-z0-9]{0,23}[a-z0-9]$/, 'a connector name (at most 25 lowercase letters, digits, hyphens)'),
        machineType: z.enum(['f1-micro', 'e2-micro', 'e2-standard-4']).default('e2-micro'),
        minInstances: z.number().int().min(2).max(9).default(2),
        maxInstances: z.number().int().min(3).max(10).default(3),
      })
      .strict()
      .refine((k) => k.minInstances < k.maxInstances, { message: 'must exceed minInstances', path: ['maxInstances'] })
      .optional(),
  })
  .strict()
  .superRefine((n, ctx) => {
    if (n.mode === 'connector' && !n.connector)
      ctx.addIssue({ code: 'custom', path: ['connector'], message: 'mode "connector" needs connector settings' });
    if (n.mode === 'direct' && n.connector)
      ctx.addIssue({ code: 'custom', path: ['connector'], message: 'only for mode "connector"' });
  });

export const DeployConfig = z
  .object({
    project: projectId,
    region,
    /** Prefix of every resource name (functions, service accounts, tick topics, scheduler jobs). */
    prefix: z
      .string()
      .regex(/^[a-z][a-z0-9-]{0,14}$/, 'lowercase letters, digits and hyphens, at most 15, starting with a letter')
      .default('fraudflow'),
    buckets: z.object({ uploads: bucket, models: bucket }).strict(),
    bigquery: z
      .object({ dataset: z.string().regex(/^[A-Za-z0-9_]{1,1024}$/, 'letters, digits and _ only'), location })
      .strict(),
    kafka: kafkaSchema,
    /** How the functions that use Kafka reach private addresses (a VPC); absent: public internet only (Confluent Cloud). */
    network: networkSchema.optional(),
    functions: functionsSchema,
    vertex: z
      .object({
        endpointName: z.string().regex(/^[A-Za-z0-9_-]{1,128}$/, 'letters, digits, - and _'),
        /** The endpoint's numeric id, printed when the plan creates it: once set, retrain publishes each new champion there. */
        endpointId: z
          .string()
          .regex(/^\d{1,30}$/, 'the numeric id `gcloud ai endpoints list` shows')
          .optional(),
        /** Score through the endpoint: turn on once a model is deployed on it (an empty endpoint answers nothing). */
        serve: z.boolean().default(false),
        machineType: z
          .string()
          .regex(/^[a-z0-9-]{1,64}$/, 'a machine type like n1-standard-2')
          .default('n1-standard-2'),
        maxReplicas: z.number().int().min(1).max(100).default(1),
        /** Tag of the serving image (functions/model-server): bump it to ship a new server; an existing tag is not rebuilt. */
        imageTag: z
          .string()
          .regex(/^\w[\w.-]{0,127}$/, 'a Docker tag')
          .default('1'),
      })
      .strict()
      .refine((v) => !v.serve || v.endpointId !== undefined, { message: 'serve needs endpointId', path: ['serve'] }),
    apiKeySecret: secretId,
    /** score-stream fed by Pub/Sub pushes (deploy/plan/push.ts); absent: the scheduled pull only. */
    streamPush: StreamPushSchema.optional(),
  })
  .strict()
  .superRefine((c, ctx) => {
    // A Managed Kafka cluster has private addresses only: its functions need a way into the VPC.
    if (c.kafka.provider === 'managed' && !c.network)
      ctx.addIssue({
        code: 'custom',
        path: ['network'],
        message:
          'a managed Kafka cluster is reached on private addresses only: configure network (direct or connector)',
      });
  });
export type DeployConfig = z.infer<typeof DeployConfig>;

/** One function's settings, whatever its trigger. */
export interface FunctionSettings {
  readonly memory: keyof typeof MEMORY_MIB;
  readonly cpu: 1 | 2 | 4;
  readonly timeoutSeconds: number;
  readonly concurrency: number;
  readonly minInstances: number;
  readonly maxInstances: number;
  readonly retry?: boolean;
  readonly deadLetter?: { readonly maxDeliveryAttempts: number };
  readonly env: Readonly<Record<string, string>>;
  readonly schedule?: {
    readonly cron: string;
    readonly timeZone: string;
    readonly via: 'pubsub' | 'http';
    readonly body: Readonly<Record<string, unknown>>;
  };
  readonly allowUnauthenticated?: boolean;
  readonly invokers?: readonly string[];
}

export function topicSettingsFor(
  c: DeployConfig,
  topic: string,
): { readonly partitions: number; readonly retentionMs: number } {
  const t = (c.kafka.topics as Record<string, { partitions: number; retentionMs: number } | undefined>)[topic];
  if (!t) throw new Error(`deploy config has no settings for Kafka topic ${topic}`);
  return t;
}

export function settingsFor(c: DeployConfig, folder: string): FunctionSettings {
  const s = (c.functions as Record<string, FunctionSettings | undefined>)[folder];
  if (!s) throw new Error(`deploy config has no settings for functions/${folder}`);
  return s;
}
