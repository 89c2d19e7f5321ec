// Every gcloud command the plan generates parses in the installed gcloud CLI (run with no credentials and no network), and a function deploy uploads no local data.
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseDeployConfig } from '../../cli/commands/deploy-config.ts';
import {
  filesForUpload,
  gcloudCheckUnavailable,
  gcloudVersion,
  recordGcloudCalls,
  replayGcloudCalls,
} from '../../deploy/apply/gcloud-check.ts';
import { REPO_ROOT, writePlanFiles } from '../../deploy/apply/run.ts';
import { buildPlan, type Plan } from '../../deploy/plan/plan.ts';

const unavailable = gcloudCheckUnavailable();
if (unavailable) {
  const message = `deploy-gcloud: skipped: ${unavailable}`;
  if (process.env.FRAUDFLOW_REQUIRE_GCLOUD === '1') throw new Error(`${message} (FRAUDFLOW_REQUIRE_GCLOUD=1)`);
  console.warn(message);
}

const filesDir = `deploy/out/gcloud-check-${process.pid}`;
afterAll(() => rmSync(join(REPO_ROOT, filesDir), { recursive: true, force: true }));
const read = (path: string) => JSON.parse(readFileSync(join(REPO_ROOT, path), 'utf8')) as Record<string, unknown>;
const at = { project: 'fraud-test-1', region: 'europe-west4' };

/** The example, and variants that reach every other command the plan can emit. */
function variants(): Array<{ name: string; plan: Plan }> {
  const example = read('deploy/fraudflow.deploy.json') as { functions: Record<string, Record<string, unknown>> };
  const vertexOn = parseDeployConfig({
    ...example,
    ...at,
    vertex: { ...(example as unknown as { vertex: object }).vertex, endpointId: '1234567890', serve: true },
    functions: {
      ...example.functions,
      sink: { ...example.functions.sink, schedule: { cron: '* * * * *', via: 'pubsub' } },
      score: { ...example.functions.score, invokers: ['serviceAccount:gateway@fraud-test-1.iam.gserviceaccount.com'] },
    },
    network: { mode: 'connector', network: 'core', subnet: 'connector-28', connector: { name: 'fraudflow-kafka' } },
  });
  const managed = parseDeployConfig({ ...read('deploy/fraudflow.managed-kafka.deploy.json'), ...at });
  const managedConfig = managed.kafka as { cluster: Record<string, unknown> };
  const adopted = parseDeployConfig({
    ...read('deploy/fraudflow.managed-kafka.deploy.json'),
    ...at,
    kafka: { ...managed.kafka, cluster: { ...managedConfig.cluster, create: false } },
  });
  return [
    { name: 'example (external Kafka)', plan: buildPlan(parseDeployConfig({ ...example, ...at }), { filesDir }) },
    { name: 'Vertex AI on, Pub/Sub tick, VPC connector', plan: buildPlan(vertexOn, { filesDir }) },
    { name: 'managed Kafka, Direct VPC egress', plan: buildPlan(managed, { filesDir }) },
    { name: 'managed Kafka adopted', plan: buildPlan(adopted, { filesDir }) },
  ];
}

describe.skipIf(unavailable !== undefined)('the plan through the installed gcloud CLI', () => {
  it('parses every gcloud command of the example plan and its variants: each reaches the credentials check', async () => {
    const seen = new Set<string>();
    const calls: string[][] = [];
    for (const v of variants()) {
      await writePlanFiles(v.plan); // --env-vars-file is read while the arguments are parsed
      for (const args of recordGcloudCalls(v.plan)) {
        const key = JSON.stringify(args);
        if (seen.has(key)) continue;
        seen.add(key);
        calls.push(args);
      }
    }
    // The check itself tells a parse error from a parsed command: one known-bad line goes along.
    const control = ['pubsub', 'topics', 'create', 'fraudflow-control', '--project=fraud-test-1', '--no-such-flag'];
    const started = Date.now();
    const [bad, ...replays] = await replayGcloudCalls([control, ...calls], 6);
    expect(bad!.outcome).toBe('parse-error');
    expect(bad!.stderr).toContain('unrecognized arguments: --no-such-flag');
    const failed = replays.filter((r) => r.outcome !== 'parsed');
    console.log(
      `deploy-gcloud: gcloud ${gcloudVersion()}: ${replays.length} commands replayed, ${replays.length - failed.length} parsed, ${failed.length} failed, in ${Math.round((Date.now() - started) / 1000)} s`,
    );
    expect(
      failed.map((r) => `${r.outcome} (exit ${r.exitCode}): gcloud ${r.args.join(' ')}\n${r.stderr.split('\n')[0]}`),
    ).toEqual([]);
    // Every kind of command the plan has was exercised.
    const groups = new Set(calls.map((a) => a.slice(0, 2).join(' ')));
    for (const g of [
      'functions deploy',
      'run services',
      'managed-kafka clusters',
      'managed-kafka topics',
      'eventarc triggers',
      'pubsub subscriptions',
      'pubsub topics',
      'scheduler jobs',
      'compute networks',
    ])
      expect(groups).toContain(g);
  }, 1_800_000);

  it('uploads the sources for a function deploy, and no .data/, node_modules/ or bench/out/', async () => {
    // Make sure each excluded folder has something in it to leave out.
    const probes = ['.data', 'bench/out'].map((d) => join(REPO_ROOT, d, 'gcloudignore-probe.txt'));
    const made: string[] = [];
    for (const p of probes)
      if (!existsSync(p)) {
        mkdirSync(join(p, '..'), { recursive: true });
        writeFileSync(p, 'must not be uploaded\n');
        made.push(p);
      }
    try {
      const files = await filesForUpload();
      console.log(`deploy-gcloud: gcloud meta list-files-for-upload lists ${files.length} files`);
      for (const excluded of ['.data/', 'node_modules/', 'bench/out/', '.git/', 'dist/'])
        expect(files.filter((f) => f.startsWith(excluded))).toEqual([]);
      for (const needed of ['package.json', 'package-lock.json', 'functions/index.ts', 'tsconfig.build.json'])
        expect(files).toContain(needed);
    } finally {
      for (const p of made) rmSync(p, { force: true });
    }
  }, 300_000);
});
