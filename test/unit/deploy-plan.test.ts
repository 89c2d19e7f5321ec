// The deploy plan covers every function folder (trigger, schedule, service account, IAM) and carries the generated BigQuery schemas.
import { readdirSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadDeployConfig } from '../../cli/commands/deploy.ts';
import { buildPlan, serviceAccount, tickTopic } from '../../deploy/plan/plan.ts';
import { FUNCTIONS } from '../../deploy/plan/functions.ts';
import { bigQuerySchema } from '../../shared/warehouse/bigquery.ts';
import { TABLES } from '../../shared/warehouse/tables.ts';

const repo = join(import.meta.dirname, '../..');
const folders = readdirSync(join(repo, 'functions'), { withFileTypes: true }).filter((d) => d.isDirectory() && existsSync(join(repo, 'functions', d.name, 'index.ts'))).map((d) => d.name).sort();
const configPath = join(repo, 'deploy/fraudflow.deploy.json');

describe('deploy plan', async () => {
  const config = await loadDeployConfig(configPath, { project: 'fraud-test-1', region: 'europe-west4' });
  const plan = buildPlan(config);

  it('has a descriptor and settings for every function folder', () => {
    expect(folders).toEqual(['ingest', 'retrain', 'score', 'score-stream', 'sink']);
    expect(FUNCTIONS.map((f) => f.folder).sort()).toEqual(folders);
    for (const f of folders) expect(config.functions[f as keyof typeof config.functions], f).toBeDefined();
  });

  it.each(folders)('deploys %s with its trigger, service account and least-privilege grants', (folder) => {
    const fn = FUNCTIONS.find((f) => f.folder === folder)!;
    const sa = serviceAccount(config, folder);
    const deploy = plan.steps.find((s) => s.id === `function:${folder}`)!;
    expect(deploy.command).toContain(`--entry-point=${fn.entryPoint}`);
    expect(deploy.command).toContain(`--service-account=${sa}`);
    expect(deploy.command).toMatch(/--memory=\S+ --cpu=\d --timeout=\d+s --concurrency=\d+ --min-instances=\d+ --max-instances=\d+/);
    expect(plan.steps.some((s) => s.id === `sa:${folder}` && s.command.includes(sa.split('@')[0]!))).toBe(true);
    for (const g of fn.grants) expect(plan.steps.some((s) => s.kind === 'iam' && s.id === `iam:${folder}:${g.role}:${g.on}` && s.command.includes(`serviceAccount:${sa}`))).toBe(true);
    if (fn.trigger.kind === 'schedule') {
      expect(deploy.command).toContain(`--trigger-topic=${tickTopic(config, fn.trigger.schedule)}`);
      const job = plan.steps.find((s) => s.id === `schedule:${(fn.trigger as { schedule: string }).schedule}`)!;
      expect(job.command).toContain(`--topic=${tickTopic(config, fn.trigger.schedule)}`);
      expect(job.command).toContain(`--schedule='${config.schedules[fn.trigger.schedule]}'`);
    } else if (fn.trigger.kind === 'storage-finalized') {
      expect(deploy.command).toContain('--trigger-event-filters=type=google.cloud.storage.object.v1.finalized');
      expect(deploy.command).toContain(`bucket=${config.buckets.uploads}`);
    } else {
      expect(deploy.command).toContain('--trigger-http --no-allow-unauthenticated');
    }
  });

  it('creates every table from the schema generated from zod, not a second hand-written one', () => {
    for (const def of Object.values(TABLES)) {
      expect(JSON.parse(plan.files[`bigquery/${def.name}.schema.json`]!)).toEqual(bigQuerySchema(def));
      expect(plan.steps.find((s) => s.id === `table:${def.name}`)!.command).toContain(`--time_partitioning_field=${def.partitionBy}`);
    }
  });

  it('creates topics, schedules, secrets checks and the Vertex endpoint', () => {
    for (const t of ['transactions', 'verdicts', 'labels', 'transactions.dlq']) expect(plan.steps.find((s) => s.id === `kafka:${t}`)!.command).toContain('--if-not-exists');
    expect(plan.steps.filter((s) => s.kind === 'schedule')).toHaveLength(3);
    expect(plan.steps.some((s) => s.kind === 'vertex-endpoint')).toBe(true);
    expect(plan.steps.filter((s) => s.kind === 'secret').map((s) => s.resource)).toContain(config.apiKeySecret);
  });

  it('is the same plan every time', () => {
    expect(buildPlan(config)).toEqual(plan);
  });

  it('names every problem of a bad configuration', async () => {
    await expect(loadDeployConfig(configPath, { project: 'X', region: 'moon' })).rejects.toThrow(/project: a GCP project id.*region: a region like/);
  });
});
