// The deploy plan's push path: the Pub/Sub topic Kafka records reach, score-stream-push on it through Eventarc with
// retries, an ack deadline and dead letters, running as score-stream; absent from the config, none of it.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseDeployConfig } from '../../cli/commands/deploy-config.ts';
import { buildPlan, type Plan } from '../../deploy/plan/plan.ts';

const repo = join(import.meta.dirname, '../..');
const read = (path: string) => JSON.parse(readFileSync(join(repo, path), 'utf8')) as Record<string, unknown>;
const at = { project: 'fraud-test-1', region: 'europe-west4' };
const step = (p: Plan, id: string) => {
  const s = p.steps.find((x) => x.id === id);
  if (!s) throw new Error(`no step ${id}`);
  return s;
};
const index = (p: Plan, id: string) => p.steps.findIndex((s) => s.id === id);

describe('deploy plan: score-stream fed by Pub/Sub pushes', () => {
  const plan = buildPlan(parseDeployConfig({ ...read('deploy/fraudflow.deploy.json'), ...at }));

  it('deploys score-stream-push on the push topic, retried, as score-stream with score-stream environment', () => {
    const deploy = step(plan, 'function:score-stream-push').command;
    expect(deploy).toContain('gcloud functions deploy fraudflow-score-stream-push ');
    expect(deploy).toContain(' --entry-point=score-stream-push ');
    expect(deploy).toContain(' --trigger-topic=fraudflow-transactions-push ');
    expect(deploy).toContain(' --retry');
    expect(deploy).toContain(' --concurrency=20 ');
    expect(deploy).toContain(' --service-account=fraudflow-score-stream@fraud-test-1.iam.gserviceaccount.com ');
    expect(plan.files['env/score-stream-push.yaml']).toBe(plan.files['env/score-stream.yaml']);
    expect(index(plan, 'pubsub:fraudflow-transactions-push')).toBeLessThan(index(plan, 'function:score-stream-push'));
  });

  it('tunes its trigger subscription: ack deadline over the timeout, dead letters after 5 deliveries, kept 7 days', () => {
    expect(step(plan, 'subscription:score-stream-push').command).toMatch(
      /--ack-deadline=90 --dead-letter-topic=projects\/fraud-test-1\/topics\/fraudflow-score-stream-push-dead-letter --max-delivery-attempts=5 /,
    );
    expect(step(plan, 'pubsub:fraudflow-score-stream-push-dead-letter-hold').command).toContain(
      '--message-retention-duration=7d',
    );
    expect(step(plan, 'iam:dead-letter:score-stream-push').command).toContain('roles/pubsub.subscriber');
    expect(
      step(
        plan,
        'iam:run-invoker:score-stream-push:serviceAccount:fraudflow-invoker@fraud-test-1.iam.gserviceaccount.com',
      ).command,
    ).toContain('roles/run.invoker');
  });

  it('creates an import topic reading Confluent Cloud transactions, as its own account the Pub/Sub agent may impersonate', () => {
    const topic = step(plan, 'pubsub:fraudflow-transactions-push').command;
    expect(topic).toContain('--confluent-cloud-ingestion-cluster-id=lkc-abc123');
    expect(topic).toContain('--confluent-cloud-ingestion-topic=transactions');
    expect(topic).toContain('--confluent-cloud-ingestion-service-account=fraudflow-score-stream-push@');
    expect(step(plan, 'iam:score-stream-push:import').command).toContain('roles/iam.serviceAccountTokenCreator');
  });

  it('with a Kafka Connect connector, creates a plain topic; with a managed cluster, Direct VPC egress follows the deploy', () => {
    const managed = parseDeployConfig({ ...read('deploy/fraudflow.managed-kafka.deploy.json'), ...at });
    const p = buildPlan(managed);
    const topic = step(p, 'pubsub:fraudflow-transactions-push').command;
    expect(topic).not.toContain('confluent');
    expect(topic).toMatch(/\|\| gcloud pubsub topics create fraudflow-transactions-push --project=fraud-test-1$/);
    expect(index(p, 'network:direct-vpc:score-stream-push')).toBe(index(p, 'function:score-stream-push') + 1);
    expect(p.steps.some((s) => s.id === 'sa:score-stream-push')).toBe(false);
  });

  it('refuses a Confluent import with a managed cluster, and has no push steps without streamPush', () => {
    const managed = read('deploy/fraudflow.managed-kafka.deploy.json');
    expect(() =>
      buildPlan(
        parseDeployConfig({
          ...managed,
          ...at,
          streamPush: { source: { kind: 'confluent-import', clusterId: 'lkc-a1', identityPoolId: 'pool-X' } },
        }),
      ),
    ).toThrow(/confluent-import" needs an external/);
    const { streamPush: _push, ...without } = read('deploy/fraudflow.deploy.json');
    const p = buildPlan(parseDeployConfig({ ...without, ...at }));
    expect(p.steps.filter((s) => s.id.includes('score-stream-push') || s.id.includes('transactions-push'))).toEqual([]);
  });
});
