// The deploy plan runs on a Node major Google accepts, reaches a private Kafka (Direct VPC or a connector), can create a Managed Kafka cluster, keeps failed uploads in a dead-letter topic and lets no tick be redelivered mid-run.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseDeployConfig } from '../../cli/commands/deploy-config.ts';
import { ackDeadlineSeconds, deadLetterTopic, functionName, serviceAccount } from '../../deploy/plan/commands.ts';
import { settingsFor, type DeployConfig } from '../../deploy/plan/config.ts';
import { configSeenBy, functionEnv } from '../../deploy/plan/env.ts';
import { FUNCTIONS, descriptor } from '../../deploy/plan/functions.ts';
import { grantsOf } from '../../deploy/plan/grants.ts';
import { buildPlan, renderPlan, type Plan } from '../../deploy/plan/plan.ts';
import { FUNCTION_RUNTIME, NODE_MAJOR } from '../../deploy/plan/runtime.ts';
import { topicSpecs } from '../../shared/topics.ts';

const repo = join(import.meta.dirname, '../..');
const read = (path: string) => JSON.parse(readFileSync(join(repo, path), 'utf8')) as Record<string, unknown>;
const example = () => read('deploy/fraudflow.deploy.json');
const managedExample = () => read('deploy/fraudflow.managed-kafka.deploy.json');
const at = { project: 'fraud-test-1', region: 'europe-west4' };
const config = parseDeployConfig({ ...example(), ...at });
const plan = buildPlan(config);
const managed = parseDeployConfig({ ...managedExample(), ...at });
/** The managed plan's steps; buildPlan also needs the Kafka adapter to accept OAUTHBEARER (checked below). */
const managedPlan = renderPlan(managed);
const step = (p: Plan, id: string) => {
  const s = p.steps.find((x) => x.id === id);
  if (!s) throw new Error(`no step ${id}`);
  return s;
};
const indexIn = (p: Plan, id: string) => p.steps.findIndex((s) => s.id === id);
const kafkaFunctions = FUNCTIONS.filter((f) => f.uses.kafka).map((f) => f.folder);
const withNetwork = (network: unknown, base = example()): DeployConfig =>
  parseDeployConfig({ ...base, ...at, network });

describe('deploy plan: the Node.js runtime', () => {
  it('deploys every function on nodejs22, builds the serving image on Node 22, and package.json engines admits both 20 and 22', () => {
    expect(NODE_MAJOR).toBe(22);
    expect(FUNCTION_RUNTIME).toBe('nodejs22');
    for (const fn of FUNCTIONS) expect(step(plan, `function:${fn.folder}`).command).toContain(' --runtime=nodejs22 ');
    expect(JSON.stringify(plan)).not.toContain('nodejs20');
    const dockerfile = plan.files['build/model-server.Dockerfile']!;
    expect(dockerfile.match(/^FROM \S+/gm)).toEqual(['FROM node:22-bookworm', 'FROM node:22-bookworm-slim']);
    const engines = (read('package.json').engines as { node: string }).node;
    expect(engines).toBe('^20.19.0 || ^22.12.0');
  });
});

describe('deploy plan: private Kafka networking', () => {
  it('with no network configured (Confluent Cloud over the internet), adds no VPC step, flag or API', () => {
    expect(plan.steps.some((s) => s.kind === 'network')).toBe(false);
    expect(JSON.stringify(plan.steps)).not.toMatch(/vpc-connector|vpc-egress|vpcaccess|compute\.googleapis/);
  });

  it('Direct VPC egress: sets network, subnet and egress on each Kafka-using service right after its deploy, and enables Compute', () => {
    const c = withNetwork({ mode: 'direct', network: 'core', subnet: 'functions', egress: 'all' });
    const p = buildPlan(c);
    expect(step(p, 'api:all').command).toContain(' compute.googleapis.com ');
    for (const folder of kafkaFunctions) {
      const id = `network:direct-vpc:${folder}`;
      expect(step(p, id).command).toBe(
        `gcloud run services update ${functionName(c, folder)} --region=europe-west4 --project=fraud-test-1 --network=core --subnet=functions --vpc-egress=all-traffic`,
      );
      expect(indexIn(p, id)).toBe(indexIn(p, `function:${folder}`) + 1);
      // A connector from an earlier config would conflict with Direct VPC egress.
      expect(step(p, `function:${folder}`).command).toContain(' --clear-vpc-connector');
    }
    expect(p.steps.some((s) => s.id === 'network:direct-vpc:retrain')).toBe(false);
  });

  it('Serverless VPC Access connector: creates it when absent, before the deploys that name it, and enables its API', () => {
    const c = withNetwork({
      mode: 'connector',
      network: 'core',
      subnet: 'connector-28',
      connector: { name: 'fraudflow-kafka', maxInstances: 4 },
    });
    const p = buildPlan(c);
    expect(step(p, 'api:all').command).toMatch(/ compute\.googleapis\.com vpcaccess\.googleapis\.com /);
    const connector = step(p, 'network:connector:fraudflow-kafka');
    expect(connector.command).toBe(
      'gcloud compute networks vpc-access connectors describe fraudflow-kafka --region=europe-west4 --project=fraud-test-1 >/dev/null 2>&1 || ' +
        'gcloud compute networks vpc-access connectors create fraudflow-kafka --region=europe-west4 --project=fraud-test-1 --subnet=connector-28 --machine-type=e2-micro --min-instances=2 --max-instances=4',
    );
    for (const folder of kafkaFunctions) {
      expect(step(p, `function:${folder}`).command).toContain(
        ' --vpc-connector=projects/fraud-test-1/locations/europe-west4/connectors/fraudflow-kafka --egress-settings=private-ranges-only',
      );
      expect(indexIn(p, connector.id)).toBeLessThan(indexIn(p, `function:${folder}`));
    }
    expect(step(p, 'function:retrain').command).not.toContain('vpc-connector');
  });

  it('refuses a network config that cannot work', () => {
    expect(() => withNetwork({ mode: 'connector', network: 'core', subnet: 's' })).toThrow(
      /network\.connector: mode "connector" needs connector settings/,
    );
    expect(() =>
      withNetwork({ mode: 'direct', network: 'core', subnet: 's', connector: { name: 'fraudflow-kafka' } }),
    ).toThrow(/network\.connector: only for mode "connector"/);
    expect(() => withNetwork({ mode: 'direct', network: 'Core Net', subnet: 's' })).toThrow(
      /network\.network: a resource name/,
    );
    const { network: _dropped, ...noNetwork } = managedExample();
    expect(() => parseDeployConfig({ ...noNetwork, ...at })).toThrow(
      /network: a managed Kafka cluster is reached on private addresses only/,
    );
  });
});

describe('deploy plan: Google Cloud Managed Service for Apache Kafka', () => {
  it('creates the cluster when absent on the configured subnets, then each topic of shared/topics.ts with its partitions, replication and retention', () => {
    const cluster = step(managedPlan, 'kafka:cluster:fraudflow');
    expect(cluster.command).toBe(
      'gcloud managed-kafka clusters describe fraudflow --location=europe-west4 --project=fraud-test-1 >/dev/null 2>&1 || ' +
        'gcloud managed-kafka clusters create fraudflow --location=europe-west4 --project=fraud-test-1 --cpu=3 --memory=3GiB --subnets=projects/fraud-test-1/regions/europe-west4/subnetworks/fraudflow-kafka',
    );
    const topics = managed.kafka.topics as Record<string, { partitions: number; retentionMs: number }>;
    for (const t of topicSpecs(1)) {
      const want = topics[t.name]!;
      const where = `--cluster=fraudflow --location=europe-west4 --project=fraud-test-1`;
      const settings = `--partitions=${want.partitions} --configs=retention.ms=${want.retentionMs}`;
      expect(step(managedPlan, `kafka:topic:${t.name}`).command).toBe(
        `if gcloud managed-kafka topics describe ${t.name} ${where} >/dev/null 2>&1; then gcloud managed-kafka topics update ${t.name} ${where} ${settings}; else gcloud managed-kafka topics create ${t.name} ${where} ${settings} --replication-factor=3; fi`,
      );
      expect(indexIn(managedPlan, `kafka:topic:${t.name}`)).toBeGreaterThan(indexIn(managedPlan, cluster.id));
    }
    expect(managedPlan.steps.some((s) => s.id === 'kafka:topics')).toBe(false);
    expect(step(managedPlan, 'api:all').command).toContain(' managedkafka.googleapis.com ');
  });

  it('adopts an existing cluster: checks it is there and stops the plan otherwise, never creating or resizing it', () => {
    const raw = managedExample() as { kafka: { cluster: Record<string, unknown> } };
    const adopted = parseDeployConfig({
      ...raw,
      ...at,
      kafka: { ...raw.kafka, cluster: { ...raw.kafka.cluster, name: 'shared-kafka', create: false } },
    });
    const command = step(renderPlan(adopted), 'kafka:cluster:shared-kafka').command;
    expect(command).toMatch(
      /^gcloud managed-kafka clusters describe shared-kafka --location=europe-west4 --project=fraud-test-1 >\/dev\/null \|\| \{ echo .* >&2; exit 1; \}$/,
    );
    expect(command).not.toContain('clusters create');
  });

  it('grants each Kafka-using function roles/managedkafka.client and mounts no Kafka secret', () => {
    for (const fn of FUNCTIONS) {
      const roles = grantsOf(fn, managed).map((g) => `${g.role} on ${g.on}`);
      expect(roles.includes('roles/managedkafka.client on project')).toBe(Boolean(fn.uses.kafka));
      expect(roles.filter((r) => r.includes('secret:kafka'))).toEqual([]);
      const env = functionEnv(managed, fn);
      expect(Object.keys(env.secrets).filter((k) => k.startsWith('KAFKA_'))).toEqual([]);
      if (fn.uses.kafka)
        expect(step(managedPlan, `iam:${fn.folder}:roles/managedkafka.client:project`).command).toBe(
          `gcloud projects add-iam-policy-binding fraud-test-1 --member=serviceAccount:${serviceAccount(managed, fn.folder)} --role=roles/managedkafka.client --condition=None --quiet >/dev/null`,
        );
    }
    expect(managedPlan.steps.filter((s) => s.kind === 'secret').map((s) => s.resource)).toEqual([managed.apiKeySecret]);
  });

  it("gives functions the cluster's bootstrap address over TLS with SASL OAUTHBEARER, and no user or password", () => {
    for (const folder of kafkaFunctions) {
      const vars = functionEnv(managed, descriptor(folder)).vars;
      expect(vars).toMatchObject({
        KAFKA_BROKERS: 'bootstrap.fraudflow.europe-west4.managedkafka.fraud-test-1.cloud.goog:9092',
        KAFKA_SSL: 'true',
        KAFKA_SASL_MECHANISM: 'oauthbearer',
      });
      expect(vars).not.toHaveProperty('KAFKA_SASL_USERNAME');
      expect(managedPlan.files[`env/${folder}.yaml`]).toContain('KAFKA_SASL_MECHANISM: "oauthbearer"');
    }
  });

  it("plans a managed Kafka deploy whose functions' own config loader starts with OAUTHBEARER", () => {
    expect(buildPlan(managed).steps).toEqual(managedPlan.steps);
    expect(configSeenBy(managed, descriptor('sink')).eventLog).toMatchObject({ kind: 'kafka' });
  });
});

describe('deploy plan: deliveries that are neither lost nor overlapping', () => {
  it("retries ingest's upload events and sends those still failing after the configured deliveries to a kept dead-letter topic", () => {
    const s = settingsFor(config, 'ingest');
    expect(s.retry).toBe(true);
    expect(s.deadLetter).toEqual({ maxDeliveryAttempts: 10 });
    const dlq = deadLetterTopic(config, 'ingest');
    expect(dlq).toBe('fraudflow-ingest-dead-letter');
    expect(step(plan, 'function:ingest').command).toMatch(
      /--trigger-event-filters=type=google\.cloud\.storage\.object\.v1\.finalized .* --retry$/,
    );
    expect(step(plan, `pubsub:${dlq}`).command).toContain(`gcloud pubsub topics create ${dlq} --project=fraud-test-1`);
    expect(step(plan, `pubsub:${dlq}-hold`).command).toContain(
      `gcloud pubsub subscriptions create ${dlq}-hold --project=fraud-test-1 --topic=${dlq} --message-retention-duration=7d --expiration-period=never`,
    );
    const sub = step(plan, 'subscription:ingest').command;
    expect(sub).toMatch(
      /^trigger="\$\(gcloud functions describe fraudflow-ingest --region=europe-west4 --project=fraud-test-1 --format='value\(eventTrigger\.trigger\)'\)" && sub="\$\(gcloud eventarc triggers describe "\$trigger" --location=europe-west4 --project=fraud-test-1 --format='value\(transport\.pubsub\.subscription\)'\)" && /,
    );
    expect(sub).toContain(
      `gcloud pubsub subscriptions update "$sub" --project=fraud-test-1 --ack-deadline=570 --dead-letter-topic=projects/fraud-test-1/topics/${dlq} --max-delivery-attempts=10`,
    );
    const grants = step(plan, 'iam:dead-letter:ingest').command;
    expect(grants).toContain(`gcloud pubsub topics add-iam-policy-binding ${dlq} --project=fraud-test-1`);
    expect(grants).toContain('--member="serviceAccount:service-$number@gcp-sa-pubsub.iam.gserviceaccount.com"');
    expect(grants).toContain('gcloud pubsub subscriptions add-iam-policy-binding "$sub"');
    for (const id of [`pubsub:${dlq}`, `pubsub:${dlq}-hold`])
      expect(indexIn(plan, id)).toBeLessThan(indexIn(plan, 'function:ingest'));
    for (const id of ['subscription:ingest', 'iam:dead-letter:ingest'])
      expect(indexIn(plan, id)).toBeGreaterThan(indexIn(plan, 'function:ingest'));
  });

  it('refuses a dead-letter topic without retries', () => {
    const raw = example() as { functions: Record<string, Record<string, unknown>> };
    expect(() =>
      parseDeployConfig({
        ...raw,
        functions: { ...raw.functions, ingest: { ...raw.functions.ingest, retry: false } },
      }),
    ).toThrow(/functions\.ingest\.deadLetter: needs retry: true/);
  });

  it('calls sink and score-stream over HTTP with an attempt deadline equal to their timeout and no retries', () => {
    for (const folder of ['sink', 'score-stream']) {
      const s = settingsFor(config, folder);
      expect(s.schedule?.via).toBe('http');
      expect(step(plan, `schedule:${folder}`).command).toContain(
        `--attempt-deadline=${s.timeoutSeconds}s --max-retry-attempts=0`,
      );
      expect(plan.steps.some((x) => x.id === `subscription:${folder}`)).toBe(false);
    }
  });

  it("ticked through Pub/Sub instead, gives the tick subscription an ack deadline longer than the function's run", () => {
    const raw = example() as { functions: Record<string, Record<string, unknown>> };
    const c = parseDeployConfig({
      ...raw,
      ...at,
      functions: { ...raw.functions, sink: { ...raw.functions.sink, schedule: { cron: '* * * * *', via: 'pubsub' } } },
    });
    const p = buildPlan(c);
    const timeout = settingsFor(c, 'sink').timeoutSeconds;
    expect(ackDeadlineSeconds(timeout)).toBeGreaterThan(timeout);
    expect(ackDeadlineSeconds(540)).toBe(570);
    expect(ackDeadlineSeconds(600)).toBe(600);
    expect(step(p, 'subscription:sink').command).toMatch(
      new RegExp(`gcloud pubsub subscriptions update "\\$sub" --project=fraud-test-1 --ack-deadline=${timeout + 30}$`),
    );
    expect(indexIn(p, 'subscription:sink')).toBeGreaterThan(indexIn(p, 'function:sink'));
  });
});
