// The deploy plan covers every function folder (trigger, schedule, service account, least privilege), carries the zod-generated BigQuery schemas, and rejects bad configs clearly.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadDeployConfig, parseDeployConfig } from '../../cli/commands/deploy-config.ts';
import { renderScript } from '../../deploy/apply/run.ts';
import { externalKafka, functionName, serviceAccount, servingImage, tickTopic } from '../../deploy/plan/commands.ts';
import { settingsFor, type DeployConfig } from '../../deploy/plan/config.ts';
import { configSeenBy, functionEnv } from '../../deploy/plan/env.ts';
import { CONTAINERS, FUNCTIONS, descriptor, signatureOf } from '../../deploy/plan/functions.ts';
import { grantsOf } from '../../deploy/plan/grants.ts';
import { buildPlan, type Plan } from '../../deploy/plan/plan.ts';
import { topicSpecs } from '../../shared/topics.ts';
import { bigQuerySchema, bigQueryTableResource, uniqueViewSql } from '../../shared/warehouse/bigquery/bigquery.ts';
import { TABLES } from '../../shared/warehouse/tables.ts';

const repo = join(import.meta.dirname, '../..');
/** Every deployable function folder, found on disk: a new folder without a descriptor fails these tests. */
const folders = readdirSync(join(repo, 'functions'), { withFileTypes: true })
  .filter((d) => d.isDirectory() && existsSync(join(repo, 'functions', d.name, 'index.ts')))
  .map((d) => d.name)
  .sort();
const functionFolders = folders.filter((f) => FUNCTIONS.some((d) => d.folder === f));
const containerFolders = folders.filter((f) => CONTAINERS.some((d) => d.folder === f));
const configPath = join(repo, 'deploy/fraudflow.deploy.json');
const example = (): Record<string, unknown> => JSON.parse(readFileSync(configPath, 'utf8')) as Record<string, unknown>;

const config = await loadDeployConfig(configPath, { project: 'fraud-test-1', region: 'europe-west4' });
const plan = buildPlan(config);
const withVertex = parseDeployConfig({
  ...example(),
  project: 'fraud-test-1',
  region: 'europe-west4',
  vertex: { ...(example().vertex as object), endpointId: '1234567890', serve: true },
});
const step = (p: Plan, id: string) => {
  const s = p.steps.find((x) => x.id === id);
  if (!s) throw new Error(`no step ${id}`);
  return s;
};
const indexOf = (id: string) => plan.steps.findIndex((s) => s.id === id);
const bashErrors = (p: Plan) => {
  const check = spawnSync('bash', ['-n'], { input: renderScript(p), encoding: 'utf8' });
  return check.status === 0 ? '' : check.stderr || `bash -n exited ${check.status}`;
};

describe('deploy plan: every function folder', () => {
  it('has exactly one descriptor (a function or a container), functions have settings in the example config, and no descriptor lacks its folder', () => {
    expect(functionFolders.length).toBeGreaterThan(0);
    expect([...FUNCTIONS.map((f) => f.folder), ...CONTAINERS.map((c) => c.folder)].sort()).toEqual(folders);
    expect(Object.keys(config.functions).sort()).toEqual(functionFolders);
  });

  it.each(containerFolders)(
    '%s is built into an image that runs its compiled index, before any function deploys',
    (folder) => {
      const container = CONTAINERS.find((c) => c.folder === folder)!;
      expect(container.main).toBe(`dist/functions/${folder}/index.js`);
      // A container folder is not a functions-framework function: it would be deployed as neither otherwise.
      expect(readFileSync(join(repo, 'functions', folder, 'index.ts'), 'utf8')).not.toMatch(/ff\.(cloudEvent|http)\(/);
      const image = step(plan, `image:${container.image}`);
      expect(image.resource).toBe(servingImage(config, container.image));
      expect(image.command).toContain(
        `--config=deploy/out/build/${container.image}.cloudbuild.json --service-account=projects/fraud-test-1/serviceAccounts/${serviceAccount(config, 'build')}`,
      );
      expect(plan.files[`build/${container.image}.Dockerfile`]).toContain(
        `CMD ["node", "dist/functions/${folder}/index.js"]`,
      );
      expect(JSON.parse(plan.files[`build/${container.image}.cloudbuild.json`]!)).toMatchObject({
        images: [servingImage(config, container.image)],
      });
      expect(indexOf(`image:${container.image}`)).toBeLessThan(
        Math.min(...FUNCTIONS.map((f) => indexOf(`function:${f.folder}`))),
      );
    },
  );

  it.each(functionFolders)(
    '%s registers its entry point in index.ts with the signature its trigger delivers',
    (folder) => {
      const fn = descriptor(folder);
      const source = readFileSync(join(repo, 'functions', folder, 'index.ts'), 'utf8');
      const registered = [...source.matchAll(/ff\.(cloudEvent|http)\(\s*'([^']+)'/g)].map((m) => ({
        kind: m[1] === 'http' ? 'http' : 'cloudevent',
        name: m[2],
      }));
      expect(registered).toContainEqual({ kind: signatureOf(fn), name: fn.entryPoint });
    },
  );

  it.each(functionFolders)(
    '%s is deployed with its entry point, sizes, service account, trigger and, if scheduled, its schedule',
    (folder) => {
      const fn = descriptor(folder);
      const s = settingsFor(config, folder);
      const deploy = step(plan, `function:${folder}`).command;
      expect(deploy).toContain(
        `gcloud functions deploy ${functionName(config, folder)} --gen2 --runtime=nodejs22 --region=europe-west4 --project=fraud-test-1 --source=. --entry-point=${fn.entryPoint}`,
      );
      expect(deploy).toContain(
        `--memory=${s.memory} --cpu=${s.cpu} --timeout=${s.timeoutSeconds}s --concurrency=${s.concurrency} --min-instances=${s.minInstances} --max-instances=${s.maxInstances}`,
      );
      expect(deploy).toContain(`--service-account=${serviceAccount(config, folder)}`);
      expect(indexOf(`sa:${folder}`)).toBeLessThan(indexOf(`function:${folder}`));
      const invoker = `iam:run-invoker:${folder}:serviceAccount:${serviceAccount(config, 'invoker')}`;
      if (fn.trigger.kind === 'schedule') {
        const job = step(plan, `schedule:${folder}`).command;
        expect(job).toContain(`--schedule='${s.schedule!.cron}' --time-zone=${s.schedule!.timeZone}`);
        if (s.schedule!.via === 'pubsub') {
          expect(deploy).toContain(
            `--trigger-topic=${tickTopic(config, folder)} --trigger-service-account=${serviceAccount(config, 'invoker')}`,
          );
          expect(indexOf(`pubsub:${tickTopic(config, folder)}`)).toBeLessThan(indexOf(`function:${folder}`));
          expect(job).toContain(`--topic=${tickTopic(config, folder)}`);
          expect(job).toMatch(
            /^if gcloud scheduler jobs describe .* then gcloud scheduler jobs update pubsub .* else gcloud scheduler jobs create pubsub .* fi$/,
          );
        } else {
          expect(deploy).toContain('--trigger-http --no-allow-unauthenticated --ingress-settings=internal-only');
          expect(job).toContain(`--oidc-service-account-email=${serviceAccount(config, 'invoker')}`);
          expect(job).toMatch(
            /then gcloud scheduler jobs update http .* else gcloud scheduler jobs create http .* fi$/,
          );
        }
        expect(indexOf(invoker)).toBeGreaterThan(indexOf(`function:${folder}`));
        expect(indexOf(`schedule:${folder}`)).toBeGreaterThan(indexOf(`function:${folder}`));
      } else if (fn.trigger.kind === 'storage-finalized') {
        expect(deploy).toContain(
          `--trigger-event-filters=type=google.cloud.storage.object.v1.finalized --trigger-event-filters=bucket=${config.buckets.uploads}`,
        );
        expect(indexOf(invoker)).toBeGreaterThan(indexOf(`function:${folder}`));
        expect(plan.steps.some((x) => x.id === `schedule:${folder}`)).toBe(false);
      } else {
        expect(deploy).toContain('--trigger-http --no-allow-unauthenticated');
        expect(plan.steps.some((x) => x.id === invoker)).toBe(false);
      }
    },
  );

  it.each(functionFolders)(
    '%s gets every grant its uses imply, each after its service account and before its deploy',
    (folder) => {
      const member = `serviceAccount:${serviceAccount(config, folder)}`;
      const grants = grantsOf(descriptor(folder), config);
      for (const g of grants) {
        const id = `iam:${folder}:${g.role}:${g.on}`;
        expect(step(plan, id).command).toContain(`${g.on === 'dataset' ? `TO "${member}"` : `--member=${member}`}`);
        expect(indexOf(id)).toBeGreaterThan(indexOf(`sa:${folder}`));
        expect(indexOf(id)).toBeLessThan(indexOf(`function:${folder}`));
      }
      expect(plan.steps.filter((s) => s.id.startsWith(`iam:${folder}:`))).toHaveLength(grants.length);
    },
  );

  it('grants each function exactly the roles listed in deploy/README.md, on the narrowest resource; Vertex AI only once configured', () => {
    const rolesWith = (c: DeployConfig) =>
      Object.fromEntries(
        FUNCTIONS.map((f) => [
          f.folder,
          grantsOf(f, c)
            .map((g) => `${g.role.replace('roles/', '')} on ${g.on}`)
            .sort(),
        ]),
      );
    const kafka = [
      'secretmanager.secretAccessor on secret:kafka-password',
      'secretmanager.secretAccessor on secret:kafka-username',
    ];
    const base = {
      ingest: [...kafka, 'storage.objectViewer on bucket:uploads'].sort(),
      sink: [...kafka, 'bigquery.dataEditor on dataset', 'bigquery.jobUser on project'].sort(),
      retrain: [
        'bigquery.dataViewer on dataset',
        'bigquery.jobUser on project',
        'storage.objectAdmin on bucket:models',
      ],
      score: [
        ...kafka,
        'secretmanager.secretAccessor on secret:api-key',
        'storage.objectViewer on bucket:models',
      ].sort(),
      'score-stream': [...kafka, 'storage.objectViewer on bucket:models'].sort(),
      review: [
        ...kafka,
        'bigquery.dataViewer on dataset',
        'bigquery.jobUser on project',
        'secretmanager.secretAccessor on secret:api-key',
      ].sort(),
    };
    expect(rolesWith(config)).toEqual(base);
    const vertex = 'aiplatform.user on project';
    expect(rolesWith(withVertex)).toEqual({
      ...base,
      retrain: [vertex, ...base.retrain],
      score: [vertex, ...base.score].sort(),
      'score-stream': [vertex, ...base['score-stream']].sort(),
    });
  });

  it('lets Cloud Scheduler call a scheduled function directly (OIDC, up to 1800 s) with the CloudEvent Eventarc would deliver', () => {
    const raw = example() as { functions: Record<string, Record<string, unknown>> };
    const retrain = {
      ...raw.functions.retrain,
      timeoutSeconds: 1800,
      schedule: { cron: '0 3 * * *', timeZone: 'Europe/Paris', via: 'http', body: { format: 'raw' } },
    };
    const direct = parseDeployConfig({
      ...raw,
      project: 'fraud-test-1',
      region: 'europe-west4',
      functions: { ...raw.functions, retrain },
    });
    const p = buildPlan(direct);
    const deploy = step(p, 'function:retrain').command;
    expect(deploy).toContain('--timeout=1800s');
    expect(deploy).toContain('--trigger-http --no-allow-unauthenticated --ingress-settings=internal-only');
    expect(deploy).not.toContain('--trigger-topic');
    expect(p.steps.some((s) => s.id === `pubsub:${tickTopic(direct, 'retrain')}`)).toBe(false);
    const job = step(p, 'schedule:retrain').command;
    expect(job).toMatch(
      /^url="\$\(gcloud functions describe fraudflow-retrain --region=europe-west4 --project=fraud-test-1 --format='value\(url\)'\)" && if gcloud scheduler jobs describe /,
    );
    expect(job).toContain(
      `--uri="$url" --http-method=POST --oidc-service-account-email=${serviceAccount(direct, 'invoker')} --oidc-token-audience="$url"`,
    );
    expect(job).toContain('--attempt-deadline=1800s --max-retry-attempts=0');
    expect(job).toContain('ce-type=google.cloud.pubsub.topic.v1.messagePublished');
    const envelope = JSON.parse(/--message-body='([^']+)'/.exec(job)![1]!) as { message: { data: string } };
    expect(JSON.parse(Buffer.from(envelope.message.data, 'base64').toString('utf8'))).toEqual({ format: 'raw' });
    expect(
      p.steps.findIndex((s) => s.id === `iam:run-invoker:retrain:serviceAccount:${serviceAccount(direct, 'invoker')}`),
    ).toBeGreaterThan(p.steps.findIndex((s) => s.id === 'function:retrain'));
    expect(bashErrors(p)).toBe('');
    expect(() =>
      parseDeployConfig({ ...raw, functions: { ...raw.functions, retrain: { ...retrain, timeoutSeconds: 1900 } } }),
    ).toThrow(/functions\.retrain\.timeoutSeconds: Cloud Scheduler waits 1800 s at most/);
  });

  it('publishes champions from retrain and scores through Vertex AI once the endpoint id is configured', () => {
    const p = buildPlan(withVertex);
    const retrain = configSeenBy(withVertex, descriptor('retrain'));
    expect(retrain.vertexPublish).toMatchObject({
      project: 'fraud-test-1',
      location: 'europe-west4',
      endpointId: '1234567890',
      servingImage: servingImage(withVertex, 'model-server'),
      machineType: 'n1-standard-2',
    });
    for (const folder of ['score', 'score-stream'])
      expect(configSeenBy(withVertex, descriptor(folder)).vertex).toMatchObject({
        project: 'fraud-test-1',
        endpointId: '1234567890',
      });
    expect(configSeenBy(config, descriptor('score')).vertex).toBeUndefined();
    expect(step(p, 'iam:vertex-agent:roles/storage.objectViewer:bucket:models').command).toContain(
      `gs://${config.buckets.models} --member="serviceAccount:$agent" --role=roles/storage.objectViewer`,
    );
    expect(plan.steps.some((s) => s.id.startsWith('iam:vertex-agent'))).toBe(false);
  });

  it.each(functionFolders)('%s mounts only secrets its service account may read', (folder) => {
    const target: Record<string, string> = {
      [externalKafka(config).usernameSecret]: 'secret:kafka-username',
      [externalKafka(config).passwordSecret]: 'secret:kafka-password',
      [config.apiKeySecret]: 'secret:api-key',
    };
    const granted = new Set(
      grantsOf(descriptor(folder), config)
        .filter((g) => g.role === 'roles/secretmanager.secretAccessor')
        .map((g) => g.on),
    );
    const mounted = Object.values(functionEnv(config, descriptor(folder)).secrets);
    expect(mounted.map((s) => target[s]).sort()).toEqual([...granted].sort());
  });

  it.each(functionFolders)(
    '%s starts with its deployed environment: the config loader the function runs selects the cloud adapters it uses',
    (folder) => {
      const fn = descriptor(folder);
      const seen = configSeenBy(config, fn);
      expect(seen.eventLog.kind).toBe(fn.uses.kafka ? 'kafka' : 'embedded');
      if (seen.eventLog.kind === 'kafka') {
        expect(seen.eventLog.kafka).toMatchObject({
          brokers: [externalKafka(config).bootstrapServers],
          ssl: true,
          replicationFactor: 3,
          sasl: { mechanism: 'plain' },
        });
      }
      expect(seen.warehouse.kind).toBe(fn.uses.warehouse ? 'bigquery' : 'duckdb');
      expect(seen.buckets.uploads).toBe(fn.uses.uploads ? config.buckets.uploads : undefined);
      expect(seen.buckets.models).toBe(fn.uses.models ? config.buckets.models : undefined);
      if (fn.uses.apiKey) expect(seen.score.apiKey).toBeDefined();
      // A draining function stops taking records before its timeout, leaving time to commit.
      const budget = folder === 'score-stream' ? seen.scoreStream : seen.sink;
      if (fn.drains) expect(budget.maxSeconds).toBeLessThan(settingsFor(config, folder).timeoutSeconds);
      expect(plan.files[`env/${folder}.yaml`]).toBe(
        Object.entries(functionEnv(config, fn).vars)
          .map(([k, v]) => `${k}: ${JSON.stringify(v)}`)
          .join('\n') + '\n',
      );
    },
  );
});

describe('deploy plan: warehouse, topics, the rest', () => {
  it('creates every table from the schema generated from zod, day-partitioned and clustered, with its _unique view', () => {
    expect(
      Object.keys(plan.files)
        .filter((f) => f.startsWith('bigquery/'))
        .sort(),
    ).toEqual(
      Object.keys(TABLES)
        .map((t) => `bigquery/${t}.schema.json`)
        .sort(),
    );
    for (const def of Object.values(TABLES)) {
      expect(JSON.parse(plan.files[`bigquery/${def.name}.schema.json`]!)).toEqual(bigQuerySchema(def));
      const res = bigQueryTableResource(def) as { clustering: { fields: string[] } };
      const table = step(plan, `table:${def.name}`).command;
      expect(table).toContain(
        `--time_partitioning_type=DAY --time_partitioning_field=${def.partitionBy} --clustering_fields=${res.clustering.fields.join(',')}`,
      );
      expect(table).toContain(`deploy/out/bigquery/${def.name}.schema.json`);
      expect(step(plan, `view:${def.name}_unique`).command).toContain(
        uniqueViewSql('fraud-test-1', config.bigquery.dataset, def),
      );
      expect(indexOf(`table:${def.name}`)).toBeGreaterThan(indexOf('dataset:warehouse'));
    }
  });

  it('converges every topic of shared/topics.ts to its configured partitions and retention', () => {
    const kafka = step(plan, 'kafka:topics').command;
    for (const t of topicSpecs(1)) {
      const want = (config.kafka.topics as Record<string, { partitions: number; retentionMs: number }>)[t.name]!;
      expect(kafka).toContain(`--topic=${t.name}:${want.partitions}:${want.retentionMs}`);
    }
    expect(kafka).toContain(
      `--brokers=${externalKafka(config).bootstrapServers} --ssl --sasl-mechanism=plain --replication-factor=3`,
    );
    // Credentials come from Secret Manager into the environment only, never onto a command line or disk.
    expect(kafka).toContain(`KAFKA_SASL_PASSWORD="$kafka_password"`);
    expect(kafka).toContain(`gcloud secrets versions access latest --secret=${externalKafka(config).passwordSecret}`);
  });

  it('checks the secrets, creates the buckets and the Vertex endpoint only when absent', () => {
    expect(
      plan.steps
        .filter((s) => s.kind === 'secret')
        .map((s) => s.resource)
        .sort(),
    ).toEqual([config.apiKeySecret, externalKafka(config).passwordSecret, externalKafka(config).usernameSecret].sort());
    expect(step(plan, 'bucket:uploads').command).toMatch(
      /^gcloud storage buckets describe gs:\/\/\S+ .*\|\| gcloud storage buckets create /,
    );
    expect(step(plan, 'vertex:endpoint').command).toMatch(
      /\|\| gcloud ai endpoints create --region=europe-west4 --project=fraud-test-1 --display-name=fraudflow-champion$/,
    );
  });

  it('is the same plan every time', () => {
    const again = buildPlan(parseDeployConfig({ ...example(), project: 'fraud-test-1', region: 'europe-west4' }));
    expect(again).toEqual(plan);
    expect(JSON.stringify(again)).toBe(JSON.stringify(plan));
  });

  it('renders a bash script that parses and runs in the repository root', () => {
    expect(renderScript(plan)).toContain('cd "$(dirname "$0")/../.."');
    expect(bashErrors(plan)).toBe('');
    expect(bashErrors(buildPlan(withVertex))).toBe('');
  });
});

describe('deploy config errors', () => {
  // The patches mutate untyped JSON at any depth, which is the point of these tests.
  /* eslint-disable @typescript-eslint/no-explicit-any */
  const bad =
    (patch: (c: Record<string, any>) => void): (() => DeployConfig) =>
    () => {
      const c = example() as Record<string, any>;
      patch(c);
      return parseDeployConfig(c, 'test.json');
    };
  /* eslint-enable @typescript-eslint/no-explicit-any */

  it('names every problem at once, with its path', () => {
    expect(bad((c) => Object.assign(c, { project: 'X', region: 'moon' }))).toThrow(
      /project: a GCP project id.*region: a region like europe-west1/,
    );
  });

  it('names a function folder without settings, and settings for no folder', () => {
    expect(bad((c) => delete c.functions.score)).toThrow(/functions\.score: required/);
    expect(bad((c) => (c.functions.scorer = c.functions.score))).toThrow(/functions: Unrecognized key: "scorer"/);
  });

  it('holds event-driven functions to the 540 s limit and sizes to what Cloud Run accepts', () => {
    expect(
      bad((c) => Object.assign(c.functions.sink, { timeoutSeconds: 600, schedule: { cron: '* * * * *' } })),
    ).toThrow(
      /functions\.sink\.timeoutSeconds: event-driven functions time out after 540 s at most \(schedule\.via "http" allows 1800\)/,
    );
    expect(bad((c) => (c.functions.ingest.timeoutSeconds = 600))).toThrow(
      /functions\.ingest\.timeoutSeconds: event-driven functions time out after 540 s at most$/,
    );
    expect(bad((c) => Object.assign(c.functions.sink, { minInstances: 3, maxInstances: 1 }))).toThrow(
      /functions\.sink\.minInstances: must not exceed maxInstances/,
    );
    expect(bad((c) => Object.assign(c.functions.retrain, { memory: '8Gi', cpu: 1 }))).toThrow(
      /functions\.retrain\.cpu: more than 4Gi of memory needs cpu 2 or 4/,
    );
    expect(bad((c) => delete c.functions.sink.schedule)).toThrow(/functions\.sink\.schedule: required/);
    expect(bad((c) => (c.functions.sink.schedule.cron = 'every minute'))).toThrow(
      /functions\.sink\.schedule\.cron: a five-field unix-cron expression/,
    );
  });

  it('refuses values that would break out of a shell command', () => {
    expect(bad((c) => (c.buckets.uploads = 'uploads; rm -rf ~'))).toThrow(/buckets\.uploads: a bucket name/);
    expect(bad((c) => (c.kafka.bootstrapServers = 'b:9092 --config x'))).toThrow(/kafka\.bootstrapServers: host:port/);
    expect(bad((c) => (c.functions.sink.schedule.timeZone = "UTC'; x"))).toThrow(/timeZone: an IANA time zone/);
  });

  it('refuses to score through a Vertex endpoint it does not know', () => {
    expect(bad((c) => (c.vertex.serve = true))).toThrow(/vertex\.serve: serve needs endpointId/);
  });

  it('requires settings for every topic of shared/topics.ts', () => {
    expect(bad((c) => delete c.kafka.topics.verdicts)).toThrow(/kafka\.topics\.verdicts: required/);
  });

  it("rejects an unknown setting in a function's env, and a known one the function would not start with", () => {
    expect(bad((c) => (c.functions.sink.env = { FRAUDFLOW_SNIK_BATCH: '10' }))).toThrow(
      /functions\.sink\.env\.FRAUDFLOW_SNIK_BATCH: not a fraudflow setting/,
    );
    const c = parseDeployConfig({
      ...example(),
      functions: {
        ...(example().functions as object),
        retrain: {
          ...(example().functions as Record<string, object>).retrain,
          env: { FRAUDFLOW_THRESHOLD_RULE: 'best' },
        },
      },
    });
    expect(() => buildPlan(c)).toThrow(
      /functions\.retrain would not start: FRAUDFLOW_THRESHOLD_RULE: expected precision/,
    );
  });
});
