// The retrain function as Cloud Scheduler -> Pub/Sub -> Eventarc calls it: a messagePublished CloudEvent over real HTTP.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DuckDbWarehouse } from '../../shared/warehouse/duckdb/duckdb.ts';
import { tempDir } from '../helpers/tmp.ts';
import { serveFunction, type Served } from '../helpers/serve-function.ts';
import { kaggleWarehouseRows } from '../helpers/kaggle-history.ts';

const dir = tempDir('fraudflow-retrain-ce-');
let served: Served | undefined;
let url: string;

beforeAll(async () => {
  Object.assign(process.env, {
    FRAUDFLOW_DATA_DIR: dir.path,
    FRAUDFLOW_MAX_EPOCHS: '2',
    FRAUDFLOW_THRESHOLD_RULE: 'cost:50:1',
  });
  const w = await DuckDbWarehouse.open(join(dir.path, 'warehouse.duckdb'));
  await w.ensureTables();
  await w.append('transactions', kaggleWarehouseRows(24_000, 3));
  await w.close();
  await import('../../functions/retrain/index.ts'); // registers the function with the framework
  served = await serveFunction('retrain');
  url = served.url;
}, 60_000);

afterAll(async () => {
  await served?.stop();
  dir.cleanup();
});

function tick(body: string, id: string): RequestInit {
  return {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'ce-specversion': '1.0',
      'ce-id': id,
      'ce-time': new Date().toISOString(),
      'ce-type': 'google.cloud.pubsub.topic.v1.messagePublished',
      'ce-source': '//pubsub.googleapis.com/projects/p/topics/fraudflow-retrain-tick',
    },
    body: JSON.stringify({
      message: { data: Buffer.from(body).toString('base64'), messageId: id, publishTime: new Date().toISOString() },
      subscription: 'projects/p/subscriptions/eventarc-retrain',
    }),
  };
}

describe('retrain CloudEvent handler', () => {
  it('trains what the message asks for, with the configured threshold rule, and promotes the first champion', async () => {
    const res = await fetch(url, tick('{"models":["mlp"],"max_epochs":1}', 'tick-1'));
    expect(res.status).toBeLessThan(300);
    const { processRuntime } = await import('../../shared/runtime.ts');
    const registry = processRuntime().models();
    const [m] = await registry.list();
    expect(m!.candidates.map((c) => c.model)).toEqual(['mlp']);
    expect(m!.candidates[0]!.epochs).toBe(1);
    expect(m!.threshold_rule).toEqual({ kind: 'min-cost', missedFraudCost: 50, falseAlarmCost: 1 });
    expect((await registry.champion())!.version).toBe(m!.version);
  }, 120_000);

  it('answers an error status for a message it cannot understand, and trains nothing', async () => {
    const { processRuntime } = await import('../../shared/runtime.ts');
    const before = (await processRuntime().models().list()).length;
    for (const [body, id] of [
      ['{"models":["svm"]}', 'tick-2'],
      ['not json', 'tick-3'],
    ] as const) {
      const res = await fetch(url, tick(body, id));
      expect(res.status).toBeGreaterThanOrEqual(400);
    }
    const bad = tick('{}', 'tick-4');
    expect((await fetch(url, { ...bad, body: JSON.stringify({ hello: 'world' }) })).status).toBeGreaterThanOrEqual(400);
    expect((await processRuntime().models().list()).length).toBe(before);
  });
});
