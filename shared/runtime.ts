// The one place that builds adapters from configuration and hands them to the function cores.
import { join, resolve } from 'node:path';
import type { Config } from './config.ts';
import { loadConfig } from './config.ts';
import { createLogger, type Logger } from './logger.ts';
import type { EventLog } from './eventlog/port.ts';
import { LocalObjectStore } from './objectstore/local/local.ts';
import { GcsObjectStore } from './objectstore/gcs/gcs.ts';
import type { ObjectStore } from './objectstore/port.ts';
import { topicSpecs } from './topics.ts';
import type { Warehouse } from './warehouse/port.ts';
import type { ModelRegistry } from './model/registry/port.ts';
import { ObjectStoreRegistry } from './model/registry/objectstore/registry.ts';
import type { LoadedModel, ModelEndpoint, ModelPublisher } from './model/port.ts';
import { FraudflowError } from './errors.ts';
import type { FeatureState } from './features/raw/port.ts';
import { readFileSync } from 'node:fs';
import type { CoalescingPublisher } from './eventlog/coalescing-publisher.ts';
import { TOPICS } from './topics.ts';
import { RulesRegistry } from './scoring/rules/registry.ts';
import { CurrentRules, type RulesSource } from './scoring/rules/current.ts';
import { ShadowScoring } from './scoring/shadow-scoring.ts';
import { RegistryShadowSource } from './model/shadow.ts';

export interface Runtime {
  readonly config: Config;
  readonly logger: Logger;
  eventLog(): Promise<EventLog>;
  warehouse(): Promise<Warehouse>;
  uploads(): ObjectStore;
  /** Uploads in a given bucket (the one a storage event names); the local folder when no bucket is configured. */
  uploadsIn(bucket: string): ObjectStore;
  models(): ModelRegistry;
  modelEndpoint(): ModelEndpoint;
  /** Where a new champion must be published (Vertex AI), or null when scorers read the registry directly. */
  modelPublisher(): ModelPublisher | null;
  /** The online feature state of raw transactions (SQLite in the data directory; Redis when REDIS_URL is set). */
  featureState(): FeatureState;
  /** Verdicts of concurrent requests of this instance, published together (group commit on the verdicts topic). */
  verdictPublisher(): Promise<CoalescingPublisher>;
  /** Registers something to release when the runtime closes (worker pools, clients), last registered first. */
  onClose(release: () => Promise<void>): void;
  close(): Promise<void>;
  /** Rules versions, beside the model registry (its bucket under rules/, or the models folder's rules/). */
  rules(): RulesRegistry;
  /** The rules in force for this instance's scorers, re-read as the champion is. */
  currentRules(): RulesSource;
  /** The shadow challenger's scorer (FRAUDFLOW_SHADOW), null when off; background runs finish before close. */
  shadowScoring(): ShadowScoring | null;
}

// eslint-disable-next-line max-lines-per-function -- one object of small lazy accessors, one per port, in the order the Runtime interface lists them
export function createRuntime(
  config: Config = loadConfig(),
  logger: Logger = createLogger({ level: config.logLevel }),
): Runtime {
  let eventLog: Promise<EventLog> | undefined;
  let warehouse: Promise<Warehouse> | undefined;
  const gcs = (bucket: string, prefix = '') =>
    new GcsObjectStore({
      bucket,
      prefix,
      ...(config.buckets.apiEndpoint ? { apiEndpoint: config.buckets.apiEndpoint } : {}),
    });
  const uploads: ObjectStore = config.buckets.uploads
    ? gcs(config.buckets.uploads)
    : new LocalObjectStore(config.uploadsDir);
  const models = new ObjectStoreRegistry(
    config.buckets.models ? gcs(config.buckets.models, 'models/') : new LocalObjectStore(config.modelsDir),
  );
  let endpoint: ModelEndpoint | undefined;
  let publisher: (ModelPublisher & { close(): Promise<void> }) | undefined;
  let features: FeatureState | undefined;
  let verdicts: Promise<CoalescingPublisher> | undefined;
  const rules = new RulesRegistry(
    config.buckets.models
      ? gcs(config.buckets.models, 'rules/')
      : new LocalObjectStore(join(config.modelsDir, 'rules')),
  );
  let currentRules: RulesSource | undefined;
  let shadow: ShadowScoring | undefined;
  const releases: Array<() => Promise<void>> = [];
  const openLog = () => (eventLog ??= openEventLog(config, logger));
  return {
    config,
    logger,
    eventLog: openLog,
    warehouse: () => (warehouse ??= openWarehouse(config)),
    uploads: () => uploads,
    uploadsIn: (bucket) =>
      config.buckets.uploads ? (bucket === config.buckets.uploads ? uploads : gcs(bucket)) : uploads,
    models: () => models,
    modelEndpoint: () => (endpoint ??= openModelEndpoint(config, models)),
    modelPublisher: () => {
      if (!config.vertexPublish) return null;
      if (!publisher) {
        const options = config.vertexPublish;
        const p = (publisher = deferred({ kind: 'vertex' }, async () => {
          const { VertexModelPublisher } = await import('./model/vertex/publish.ts');
          return new VertexModelPublisher(options);
        }));
        releases.push(() => p.close());
      }
      return publisher;
    },
    featureState: () => (features ??= openFeatureState(config)),
    verdictPublisher: () =>
      (verdicts ??= Promise.all([openLog(), import('./eventlog/coalescing-publisher.ts')]).then(
        ([log, { CoalescingPublisher }]) => new CoalescingPublisher(log, TOPICS.verdicts),
      )),
    onClose: (release) => void releases.push(release),
    rules: () => rules,
    currentRules: () => (currentRules ??= new CurrentRules(rules, logger)),
    shadowScoring() {
      if (config.shadow.choice.kind === 'off') return null;
      if (!shadow) {
        const s = (shadow = openShadowScoring(config, models, openLog, logger));
        releases.push(() => s.drain());
      }
      return shadow;
    },
    async close() {
      for (const release of releases.splice(0).reverse()) {
        await release().catch((e: unknown) => logger.error('runtime: releasing a resource failed', { error: e }));
      }
      await features?.close();
      features = undefined;
      if (eventLog) await (await eventLog.catch(() => undefined))?.close();
      if (warehouse) await (await warehouse.catch(() => undefined))?.close();
      eventLog = undefined;
      warehouse = undefined;
    },
  };
}

/** The champion's endpoint: the registry's champion in process, or the Vertex AI endpoint it is deployed on. */
function openModelEndpoint(config: Config, models: ModelRegistry): ModelEndpoint {
  const vertex = config.vertex;
  if (!vertex)
    return deferred(
      { kind: 'local' },
      async () => new (await import('./model/local/local.ts')).LocalModelEndpoint(models),
    );
  return deferred({ kind: 'vertex' }, async () => {
    const { VertexModelEndpoint } = await import('./model/vertex/vertex.ts');
    return new VertexModelEndpoint({
      ...vertex,
      // The deployed model is the registry's champion: its manifest gives the threshold and feature spec.
      manifest: async () => {
        const pointer = await models.champion();
        if (!pointer)
          throw new FraudflowError('MODEL_UNAVAILABLE', 'no champion in the registry: run fraudflow retrain');
        return models.manifest(pointer.version);
      },
    });
  });
}

/** The shadow challenger's scorer: its verdicts go to their own topic, through a publisher of their own. */
function openShadowScoring(
  config: Config,
  models: ModelRegistry,
  openLog: () => Promise<EventLog>,
  logger: Logger,
): ShadowScoring {
  let publisher: Promise<CoalescingPublisher> | undefined;
  const open = () =>
    (publisher ??= Promise.all([openLog(), import('./eventlog/coalescing-publisher.ts')]).then(
      ([log, { CoalescingPublisher }]) => new CoalescingPublisher(log, TOPICS.verdictsShadow),
    ));
  return new ShadowScoring({
    source: new RegistryShadowSource(models, config.shadow.choice),
    publish: async (messages) => (await open()).publish(messages),
    logger: logger.child({ role: 'shadow' }),
  });
}

/** SQLite in the data directory, or Redis when REDIS_URL is set (TLS and AUTH from the URL, the CA from REDIS_TLS_CA_FILE). */
function openFeatureState(config: Config): FeatureState {
  const f = config.featureStore;
  if (f.kind === 'sqlite')
    return deferred(
      {},
      async () => new (await import('./features/raw/sqlite/sqlite-state.ts')).SqliteFeatureState(f.path),
    );
  const { caFile, ...endpoint } = f.redis;
  return deferred({}, async () => {
    const [{ RedisFeatureState }, { ioredisLink }] = await Promise.all([
      import('./features/raw/redis/redis-state.ts'),
      import('./features/raw/redis/ioredis-link.ts'),
    ]);
    return new RedisFeatureState(
      ioredisLink({ ...endpoint, ...(caFile ? { caPem: readFileSync(caFile, 'utf8') } : {}) }),
    );
  });
}

const ADAPTER = Symbol('fraudflow.adapter');

/** The adapter behind a port the runtime built (loading it if it was not yet): which one the configuration chose. */
export async function adapterOf<T extends object>(port: T): Promise<T> {
  const get = (port as { [ADAPTER]?: () => Promise<T> })[ADAPTER];
  return get ? get() : port;
}

/**
 * A port whose adapter module (and its library: tf.js, ioredis, the Vertex AI client) is imported on the first call,
 * so a command that never calls it never loads it. Every method of these ports returns a promise, so a caller waits
 * for the import as it waits for the call; `sync` answers what must be known at once (`kind`). Closing a port that was
 * never used loads nothing.
 */
function deferred<T extends object>(sync: Partial<T>, load: () => Promise<T>): T {
  let loaded: Promise<T> | undefined;
  return new Proxy(sync as T, {
    get(target, prop, receiver) {
      if (prop === ADAPTER) return () => (loaded ??= load());
      if (prop in target) return Reflect.get(target, prop, receiver) as unknown;
      // Not a thenable: `await port` must give the port itself.
      if (prop === 'then' || typeof prop === 'symbol') return undefined;
      if (prop === 'close' && !loaded) return async () => {};
      return async (...args: unknown[]) => {
        const port = await (loaded ??= load());
        return (port[prop as keyof T] as (...a: unknown[]) => unknown).apply(port, args);
      };
    },
  });
}

async function openEventLog(config: Config, logger: Logger): Promise<EventLog> {
  const c = config.eventLog;
  let log: EventLog;
  // Imported here, not at start-up: the embedded log loads SQLite's native module, the Kafka log kafkajs.
  if (c.kind === 'embedded') {
    log = new (await import('./eventlog/embedded/embedded.ts')).EmbeddedEventLog({
      path: c.path,
      synchronous: c.synchronous,
    });
  } else {
    log = new (await import('./eventlog/kafka/kafka.ts')).KafkaEventLog(c.kafka, logger);
  }
  for (const spec of topicSpecs(config.partitions)) await log.ensureTopic(spec);
  logger.debug('event log ready', { kind: log.kind });
  return log;
}

async function openWarehouse(config: Config): Promise<Warehouse> {
  const c = config.warehouse;
  // Loaded on first use: functions that never touch the warehouse (ingest) skip DuckDB's native module and the BigQuery client.
  const w =
    c.kind === 'duckdb'
      ? await (
          await import('./warehouse/duckdb/duckdb.ts')
        ).DuckDbWarehouse.open(c.path, c.memoryLimit ? { memoryLimit: c.memoryLimit } : {})
      : new (await import('./warehouse/bigquery/bigquery.ts')).BigQueryWarehouse(c);
  await w.ensureTables();
  return w;
}

/** A model's files at `uri` (gs://bucket/path or a folder), loaded in-process: the serving container's model. */
export async function modelAt(uri: string, config: Config = loadConfig()): Promise<LoadedModel> {
  const gs = /^gs:\/\/([^/]+)\/?(.*)$/.exec(uri);
  const store: ObjectStore = gs
    ? new GcsObjectStore({
        bucket: gs[1]!,
        prefix: gs[2] ? gs[2].replace(/\/?$/, '/') : '',
        ...(config.buckets.apiEndpoint ? { apiEndpoint: config.buckets.apiEndpoint } : {}),
      })
    : new LocalObjectStore(resolve(uri));
  const [{ readModelFiles }, { loadedModel }] = await Promise.all([
    import('./model/registry/objectstore/artifacts.ts'),
    import('./model/scorer.ts'),
  ]);
  const { model, manifest } = await readModelFiles(store, '');
  return loadedModel(model, manifest);
}

/** One runtime per process (per function instance): built on first use, reused by warm invocations. */
let shared: Runtime | undefined;
export function processRuntime(): Runtime {
  return (shared ??= createRuntime());
}
