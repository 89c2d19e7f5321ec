// The one deploy configuration, validated with zod: project, places, function sizes, schedules, Kafka, model endpoint.
import { z } from 'zod';

const fnSettings = z.object({
  memory: z.enum(['256Mi', '512Mi', '1Gi', '2Gi', '4Gi', '8Gi']),
  timeoutSeconds: z.number().int().min(1).max(3600),
  concurrency: z.number().int().min(1).max(1000),
  minInstances: z.number().int().min(0).max(100),
  maxInstances: z.number().int().min(1).max(1000),
  cpu: z.union([z.literal(1), z.literal(2), z.literal(4)]).default(1),
}).refine((f) => f.minInstances <= f.maxInstances, 'minInstances must not exceed maxInstances');
export type FunctionSettings = z.infer<typeof fnSettings>;

const cron = z.string().regex(/^(\S+\s+){4}\S+$/, 'a five-field cron expression');

export const DeployConfig = z.object({
  project: z.string().regex(/^[a-z][a-z0-9-]{4,28}[a-z0-9]$/, 'a GCP project id'),
  region: z.string().regex(/^[a-z]+-[a-z]+\d$/, 'a region like europe-west1'),
  prefix: z.string().regex(/^[a-z][a-z0-9-]{0,14}$/).default('fraudflow'),
  buckets: z.object({ uploads: z.string().min(3), models: z.string().min(3) }),
  bigquery: z.object({ dataset: z.string().regex(/^\w+$/), location: z.string().min(2) }),
  kafka: z.object({
    bootstrapServers: z.string().min(1),
    saslMechanism: z.enum(['plain', 'scram-sha-256', 'scram-sha-512']),
    usernameSecret: z.string().min(1),
    passwordSecret: z.string().min(1),
    replicationFactor: z.number().int().min(1).max(5).default(3),
    topics: z.record(z.string(), z.object({ partitions: z.number().int().min(1).max(1000), retentionMs: z.number().int().min(60_000) })),
  }),
  schedules: z.object({ sink: cron, scoreStream: cron, retrain: cron, timeZone: z.string().min(1).default('Etc/UTC') }),
  functions: z.record(z.enum(['ingest', 'sink', 'retrain', 'score', 'score-stream']), fnSettings),
  vertex: z.object({ endpointName: z.string().min(1) }),
  apiKeySecret: z.string().min(1),
});
export type DeployConfig = z.infer<typeof DeployConfig>;
