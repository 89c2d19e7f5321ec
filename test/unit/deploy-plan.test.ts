// The deploy plan covers every function folder (trigger, schedule, service account, least privilege), carries the zod-generated BigQuery schemas, and rejects bad configs clearly.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadDeployConfig, parseDeployConfig } from '../../cli/commands/deploy.ts';
import { renderScript } from '../../deploy/apply/run.ts';
import { functionName, serviceAccount, tickTopic } from '../../deploy/plan/commands.ts';
import { settingsFor, type DeployConfig } from '../../deploy/plan/config.ts';
import { configSeenBy, functionEnv } from '../../deploy/plan/env.ts';
import { FUNCTIONS, descriptor, signatureOf } from '../../deploy/plan/functions.ts';
import { grantsOf } from '../../deploy/plan/grants.ts';
import { buildPlan, type Plan } from '../../deploy/plan/plan.ts';
import { topicSpecs } from '../../shared/topics.ts';
import { bigQuerySchema, bigQueryTableResource, uniqueViewSql } from '../../shared/warehouse/bigquery.ts';
import { TABLES } from '../../shared/warehouse/tables.ts';

const repo = join(import.meta.dirname, '../..');
/** Every deployable function folder, found on disk: a new folder without a descriptor fails these tests. */
const folders = readdirSync(join(repo, 'functions'), { withFileTypes: true })
  .filter((d) => d.isDirectory() && existsSync(join(repo, 'functions', d.name, 'index.ts')))
  .map((d) => d.name)
  .sort();
const configPath = join(repo, 'deploy/fraudflow.deploy.json');
const example = (): Record<string, unknown> => JSON.parse(readFileSync(configPath, 'utf8')) as Record<string, unknown>;

const config = await loadDeployConfig(configPath, { project: 'fraud-test-1', region: 'europe-west4' });
const plan = buildPlan(config);
const step = (p: Plan, id: string) => {
  const s = p.steps.find((x) => x.id === id);
  if (!s) throw new Error(`no step ${id}`);
  return s;
};
const indexOf = (id: string) => plan.steps.findIndex((s) => s.id === id);

describe('deploy plan: every function folder', () => {
  it('has a descriptor and settings in the example config, and there are no descriptors without a folder', () => {
    expect(folders.length).toBeGreaterThan(0);
    expect(FUNCTIONS.map((f) => f.folder).sort()).toEqual(folders);
    expect(Object.keys(config.functions).sort()).toEqual(folders);
  });

  it.each(folders)('%s registers its entry point in index.ts with the signature its trigger delivers', (folder) => {
    const fn = descriptor(folder);
    const source = readFileSync(join(repo, 'functions', folder, 'index.ts'), 'utf8');
    const registered = [...source.matchAll(/ff\.(cloudEvent|http)\(\s*'([^']+)'/g)].map((m) => ({ kind: m[1] === 'http' ? 'http' : 'cloudevent', name: m[2] }));
    expect(registered).toContainEqual({ kind: signatureOf(fn), name: fn.entryPoint });
  });

  it.each(folders)('%s is deployed with its entry point, sizes, service account, trigger and, if scheduled, its schedule', (folder) => {
    const fn = descriptor(folder);
    const s = settingsFor(config, folder);
    const deploy = step(plan, `function:${folder}`).command;
    expect(deploy).toContain(`gcloud functions deploy ${functionName(config, folder)} --gen2 --runtime=nodejs20 --region=europe-west4 --project=fraud-test-1 --source=. --entry-point=${fn.entryPoint}`);
    expect(deploy).toContain(`--memory=${s.memory} --cpu=${s.cpu} --timeout=${s.timeoutSeconds}s --concurrency=${s.concurrency} --min-instances=${s.minInstances} --max-instances=${s.maxInstances}`);
    expect(deploy).toContain(`--service-account=${serviceAccount(config, folder)}`);
    expect(indexOf(`sa:${folder}`)).toBeLessThan(indexOf(`function:${folder}`));
    const invoker = `iam:run-invoker:${folder}:serviceAccount:${serviceAccount(config, 'invoker')}`;
    if (fn.trigger.kind === 'schedule') {
      expect(deploy).toContain(`--trigger-topic=${tickTopic(config, folder)} --trigger-service-account=${serviceAccount(config, 'invoker')}`);
      expect(indexOf(`pubsub:${tickTopic(config, folder)}`)).toBeLessThan(indexOf(`function:${folder}`));
      const job = step(plan, `schedule:${folder}`).command;
      expect(job).toContain(`--schedule='${s.schedule!.cron}' --time-zone=${s.schedule!.timeZone} --topic=${tickTopic(config, folder)}`);
      expect(job).toMatch(/^if gcloud scheduler jobs describe .* then gcloud scheduler jobs update pubsub .* else gcloud scheduler jobs create pubsub .* fi$/);
      expect(indexOf(invoker)).toBeGreaterThan(indexOf(`function:${folder}`));
    } else if (fn.trigger.kind === 'storage-finalized') {
      expect(deploy).toContain(`--trigger-event-filters=type=google.cloud.storage.object.v1.finalized --trigger-event-filters=bucket=${config.buckets.uploads}`);
      expect(indexOf(invoker)).toBeGreaterThan(indexOf(`function:${folder}`));
      expect(plan.steps.some((x) => x.id === `schedule:${folder}`)).toBe(false);
    } else {
      expect(deploy).toContain('--trigger-http --no-allow-unauthenticated');
      expect(plan.steps.some((x) => x.id === invoker)).toBe(false);
    }
  });

  it.each(folders)('%s gets every grant its uses imply, each after its service account and before its deploy', (folder) => {
    const member = `serviceAccount:${serviceAccount(config, folder)}`;
    const grants = grantsOf(descriptor(folder));
    for (const g of grants) {
      const id = `iam:${folder}:${g.role}:${g.on}`;
      expect(step(plan, id).command).toContain(`${g.on === 'dataset' ? `TO "${member}"` : `--member=${member}`}`);
      expect(indexOf(id)).toBeGreaterThan(indexOf(`sa:${folder}`));
      expect(indexOf(id)).toBeLessThan(indexOf(`function:${folder}`));
    }
    expect(plan.steps.filter((s) => s.id.startsWith(`iam:${folder}:`))).toHaveLength(grants.length);
  });

  it('grants each function exactly the roles listed in deploy/README.md, on the narrowest resource', () => {
    const roles = Object.fromEntries(FUNCTIONS.map((f) => [f.folder, grantsOf(f).map((g) => `${g.role.replace('roles/', '')} on ${g.on}`).sort()]));
    const kafka = ['secretmanager.secretAccessor on secret:kafka-password', 'secretmanager.secretAccessor on secret:kafka-username'];
    expect(roles).toEqual({
      ingest: [...kafka, 'storage.objectViewer on bucket:uploads'].sort(),
      sink: [...kafka, 'bigquery.dataEditor on dataset', 'bigquery.jobUser on project'].sort(),
      retrain: ['aiplatform.user on project', 'bigquery.dataViewer on dataset', 'bigquery.jobUser on project', 'storage.objectAdmin on bucket:models'],
      score: [...kafka, 'aiplatform.user on project', 'secretmanager.secretAccessor on secret:api-key', 'storage.objectViewer on bucket:models'].sort(),
      'score-stream': [...kafka, 'aiplatform.user on project', 'storage.objectViewer on bucket:models'].sort(),
    });
  });

  it.each(folders)('%s mounts only secrets its service account may read', (folder) => {
    const target: Record<string, string> = { [config.kafka.usernameSecret]: 'secret:kafka-username', [config.kafka.passwordSecret]: 'secret:kafka-password', [config.apiKeySecret]: 'secret:api-key' };
    const granted = new Set(grantsOf(descriptor(folder)).filter((g) => g.role === 'roles/secretmanager.secretAccessor').map((g) => g.on));
    const mounted = Object.values(functionEnv(config, descriptor(folder)).secrets);
    expect(mounted.map((s) => target[s]).sort()).toEqual([...granted].sort());
  });

  it.each(folders)('%s starts with its deployed environment: the config loader the function runs selects the cloud adapters it uses', (folder) => {
    const fn = descriptor(folder);
    const seen = configSeenBy(config, fn);
    expect(seen.eventLog.kind).toBe(fn.uses.kafka ? 'kafka' : 'embedded');
    if (seen.eventLog.kind === 'kafka') {
      expect(seen.eventLog.kafka).toMatchObject({ brokers: [config.kafka.bootstrapServers], ssl: true, replicationFactor: 3, sasl: { mechanism: 'plain' } });
    }
    expect(seen.warehouse.kind).toBe(fn.uses.warehouse ? 'bigquery' : 'duckdb');
    expect(seen.buckets.uploads).toBe(fn.uses.uploads ? config.buckets.uploads : undefined);
    expect(seen.buckets.models).toBe(fn.uses.models ? config.buckets.models : undefined);
    if (fn.uses.apiKey) expect(seen.score.apiKey).toBeDefined();
    // A draining function stops taking records before its timeout, leaving time to commit.
    if (fn.drains) expect(seen.sink.maxSeconds).toBeLessThan(settingsFor(config, folder).timeoutSeconds);
    expect(plan.files[`env/${folder}.yaml`]).toBe(Object.entries(functionEnv(config, fn).vars).map(([k, v]) => `${k}: ${JSON.stringify(v)}`).join('\n') + '\n');
  });
});

describe('deploy plan: warehouse, topics, the rest', () => {
  it('creates every table from the schema generated from zod, day-partitioned and clustered, with its _unique view', () => {
    expect(Object.keys(plan.files).filter((f) => f.startsWith('bigquery/')).sort()).toEqual(Object.keys(TABLES).map((t) => `bigquery/${t}.schema.json`).sort());
    for (const def of Object.values(TABLES)) {
      expect(JSON.parse(plan.files[`bigquery/${def.name}.schema.json`]!)).toEqual(bigQuerySchema(def));
      const res = bigQueryTableResource(def) as { clustering: { fields: string[] } };
      const table = step(plan, `table:${def.name}`).command;
      expect(table).toContain(`--time_partitioning_type=DAY --time_partitioning_field=${def.partitionBy} --clustering_fields=${res.clustering.fields.join(',')}`);
      expect(table).toContain(`deploy/out/bigquery/${def.name}.schema.json`);
      expect(step(plan, `view:${def.name}_unique`).command).toContain(uniqueViewSql('fraud-test-1', config.bigquery.dataset, def));
      expect(indexOf(`table:${def.name}`)).toBeGreaterThan(indexOf('dataset:warehouse'));
    }
  });

  it('converges every topic of shared/topics.ts to its configured partitions and retention', () => {
    const kafka = step(plan, 'kafka:topics').command;
    for (const t of topicSpecs(1)) {
      const want = (config.kafka.topics as Record<string, { partitions: number; retentionMs: number }>)[t.name]!;
      expect(kafka).toContain(`--topic=${t.name}:${want.partitions}:${want.retentionMs}`);
    }
    expect(kafka).toContain(`--brokers=${config.kafka.bootstrapServers} --ssl --sasl-mechanism=plain --replication-factor=3`);
    // Credentials come from Secret Manager into the environment only, never onto a command line or disk.
    expect(kafka).toContain(`KAFKA_SASL_PASSWORD="$kafka_password"`);
    expect(kafka).toContain(`gcloud secrets versions access latest --secret=${config.kafka.passwordSecret}`);
  });

  it('checks the secrets, creates the buckets and the Vertex endpoint only when absent', () => {
    expect(plan.steps.filter((s) => s.kind === 'secret').map((s) => s.resource).sort()).toEqual([config.apiKeySecret, config.kafka.passwordSecret, config.kafka.usernameSecret].sort());
    expect(step(plan, 'bucket:uploads').command).toMatch(/^gcloud storage buckets describe gs:\/\/\S+ .*\|\| gcloud storage buckets create /);
    expect(step(plan, 'vertex:endpoint').command).toMatch(/\|\| gcloud ai endpoints create --region=europe-west4 --project=fraud-test-1 --display-name=fraudflow-champion$/);
  });

  it('is the same plan every time', () => {
    const again = buildPlan(parseDeployConfig({ ...example(), project: 'fraud-test-1', region: 'europe-west4' }));
    expect(again).toEqual(plan);
    expect(JSON.stringify(again)).toBe(JSON.stringify(plan));
  });

  it('renders a bash script that parses and runs in the repository root', () => {
    const script = renderScript(plan);
    expect(script).toContain('cd "$(dirname "$0")/../.."');
    const check = spawnSync('bash', ['-n'], { input: script, encoding: 'utf8' });
    expect(check.stderr).toBe('');
    expect(check.status).toBe(0);
  });
});

describe('deploy config errors', () => {
  const bad = (patch: (c: Record<string, any>) => void): (() => DeployConfig) => () => {
    const c = example() as Record<string, any>;
    patch(c);
    return parseDeployConfig(c, 'test.json');
  };

  it('names every problem at once, with its path', () => {
    expect(bad((c) => Object.assign(c, { project: 'X', region: 'moon' }))).toThrow(/project: a GCP project id.*region: a region like europe-west1/);
  });

  it('names a function folder without settings, and settings for no folder', () => {
    expect(bad((c) => delete c.functions.score)).toThrow(/functions\.score: required/);
    expect(bad((c) => (c.functions.scorer = c.functions.score))).toThrow(/functions: Unrecognized key: "scorer"/);
  });

  it('holds event-driven functions to the 540 s limit and sizes to what Cloud Run accepts', () => {
    expect(bad((c) => (c.functions.retrain.timeoutSeconds = 1800))).toThrow(/functions\.retrain\.timeoutSeconds: event-driven functions time out after 540 s at most/);
    expect(bad((c) => Object.assign(c.functions.sink, { minInstances: 3, maxInstances: 1 }))).toThrow(/functions\.sink\.minInstances: must not exceed maxInstances/);
    expect(bad((c) => Object.assign(c.functions.retrain, { memory: '8Gi', cpu: 1 }))).toThrow(/functions\.retrain\.cpu: more than 4Gi of memory needs cpu 2 or 4/);
    expect(bad((c) => delete c.functions.sink.schedule)).toThrow(/functions\.sink\.schedule: required/);
    expect(bad((c) => (c.functions.sink.schedule.cron = 'every minute'))).toThrow(/functions\.sink\.schedule\.cron: a five-field unix-cron expression/);
  });

  it('refuses values that would break out of a shell command', () => {
    expect(bad((c) => (c.buckets.uploads = 'uploads; rm -rf ~'))).toThrow(/buckets\.uploads: a bucket name/);
    expect(bad((c) => (c.kafka.bootstrapServers = 'b:9092 --config x'))).toThrow(/kafka\.bootstrapServers: host:port/);
    expect(bad((c) => (c.functions.sink.schedule.timeZone = "UTC'; x"))).toThrow(/timeZone: an IANA time zone/);
  });

  it('requires settings for every topic of shared/topics.ts', () => {
    expect(bad((c) => delete c.kafka.topics.verdicts)).toThrow(/kafka\.topics\.verdicts: required/);
  });

  it('rejects an unknown setting in a function\'s env, and a known one the function would not start with', () => {
    expect(bad((c) => (c.functions.sink.env = { FRAUDFLOW_SNIK_BATCH: '10' }))).toThrow(/functions\.sink\.env\.FRAUDFLOW_SNIK_BATCH: not a fraudflow setting/);
    const c = parseDeployConfig({ ...example(), functions: { ...(example().functions as object), retrain: { ...(example().functions as any).retrain, env: { FRAUDFLOW_THRESHOLD_RULE: 'best' } } } });
    expect(() => buildPlan(c)).toThrow(/functions\.retrain would not start: FRAUDFLOW_THRESHOLD_RULE: expected precision/);
  });
});
