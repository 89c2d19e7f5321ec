// The score HTTP function with a rules version in force: a fired rule changes the verdict and says why, in the
// answer and on the verdicts topic; a newly published version is picked up without a restart.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tfReady } from '../../shared/model/tf-backend.ts';
import { ObjectStoreRegistry } from '../../shared/model/registry/objectstore/registry.ts';
import { LocalObjectStore } from '../../shared/objectstore/local/local.ts';
import { RulesRegistry } from '../../shared/scoring/rules/registry.ts';
import { RulesFile } from '../../shared/scoring/rules/schema.ts';
import { TOPICS } from '../../shared/topics.ts';
import { tempDir } from '../helpers/tmp.ts';
import { serveFunction, type Served } from '../helpers/serve-function.ts';
import { saveRawChampion } from '../helpers/rules-history.ts';
import { waitFor } from '../helpers/wait.ts';

const dir = tempDir('fraudflow-score-rules-');
let served: Served | undefined;
let rules: RulesRegistry;
const tx = (id: string, amount: number, customer = 'c1') => ({
  transaction_id: id,
  tx_datetime: '2026-03-02T12:00:00Z',
  customer_id: customer,
  terminal_id: 't1',
  amount,
});
const post = async (body: unknown) => {
  const res = await fetch(served!.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
};

beforeAll(async () => {
  Object.assign(process.env, { FRAUDFLOW_DATA_DIR: dir.path });
  await tfReady();
  await saveRawChampion(new ObjectStoreRegistry(new LocalObjectStore(join(dir.path, 'models'))));
  rules = new RulesRegistry(new LocalObjectStore(join(dir.path, 'models', 'rules')));
  await rules.publish(
    RulesFile.parse({
      rules: [
        { name: 'very-big', action: 'block', when: { field: 'amount', op: '>', value: 5000 } },
        {
          name: 'mid',
          action: 'review',
          when: {
            all: [
              { field: 'amount', op: '>=', value: 60 },
              { field: 'amount', op: '<', value: 100 },
            ],
          },
        },
      ],
    }),
    'test',
  );
  await import('../../functions/score/index.ts');
  served = await serveFunction('score');
}, 60_000);

afterAll(async () => {
  await served?.stop();
  dir.cleanup();
});

describe('score HTTP with rules', () => {
  it('blocks by a rule what the model called legit, and names the rule', async () => {
    // The champion: sigmoid(0.02 x amount - 3), legit at 10 and 80, fraud at 6000, where the block rule decides anyway.
    const low = await post(tx('r-1', 10));
    expect(low.body).toMatchObject({ verdict: 'legit', decided_by: 'model', model_verdict: 'legit', rules: [] });
    const mid = await post(tx('r-2', 80));
    expect(mid.body).toMatchObject({ verdict: 'review', model_verdict: 'legit', decided_by: 'rule:mid' });
    expect(mid.body.rules).toEqual([{ name: 'mid', action: 'review' }]);
    // A block rule names itself even where the model agrees: the rule, not the model, decided.
    const big = await post(tx('r-3', 6000));
    expect(big.body).toMatchObject({ verdict: 'fraud', decided_by: 'rule:very-big' });
  });

  it('publishes the fired rules with the verdict on the verdicts topic', async () => {
    const { processRuntime } = await import('../../shared/runtime.ts');
    const log = await processRuntime().eventLog();
    const consumer = await log.consumer('rules-check', TOPICS.verdicts);
    const seen = await waitFor(
      async () => {
        const records = await consumer.poll({ maxRecords: 100, maxWaitMs: 100 });
        const payloads = records.map((r) => JSON.parse(r.value.toString()).payload as Record<string, unknown>);
        return payloads.find((p) => p.transaction_id === 'r-2');
      },
      'the verdict of r-2 on the topic',
      10_000,
    );
    expect(seen).toMatchObject({
      decided_by: 'rule:mid',
      model_verdict: 'legit',
      rules: [{ name: 'mid', action: 'review' }],
    });
    expect(String(seen.rules_version)).toMatch(/^rules-/);
  });

  it('picks up a newly published rules version without a restart: an allow list lets the customer through', async () => {
    await rules.publish(
      RulesFile.parse({
        rules: [{ name: 'very-big', action: 'block', when: { field: 'amount', op: '>', value: 5000 } }],
        lists: { allow: { customer_id: ['vip'] } },
      }),
      'allow vip',
    );
    const body = await waitFor(
      async () => {
        const r = await post(tx(`r-vip-${Date.now()}`, 6000, 'vip'));
        return r.body.decided_by === 'rule:allow-list:customer_id' ? r.body : undefined;
      },
      'the new rules version to answer',
      20_000,
      250,
    );
    expect(body).toMatchObject({ verdict: 'legit', model_verdict: 'fraud' });
    expect(body.rules).toEqual([
      { name: 'allow-list:customer_id', action: 'allow' },
      { name: 'very-big', action: 'block' },
    ]);
  });
});
