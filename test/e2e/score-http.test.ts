// The score function over real HTTP (functions-framework on 127.0.0.1) with a real champion in the registry.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as tf from '../../shared/model/tf.ts';
import { tfReady } from '../../shared/model/tf-backend.ts';
import { ObjectStoreRegistry } from '../../shared/model/registry/objectstore/registry.ts';
import { LocalObjectStore } from '../../shared/objectstore/local/local.ts';
import { KAGGLE_FEATURES } from '../../shared/features/kaggle.ts';
import type { ModelManifest } from '../../shared/schema/model-manifest.ts';
import { PCA_COLUMNS } from '../../shared/schema/kaggle.ts';
import { RAW_FEATURES } from '../../shared/features/raw/spec.ts';
import { tempDir } from '../helpers/tmp.ts';
import { serveFunction, type Served } from '../helpers/serve-function.ts';
import { waitFor } from '../helpers/wait.ts';

const dir = tempDir('fraudflow-score-');
const KEY = 'k'.repeat(24);
let served: Served | undefined;
let url: string;
let registry: ObjectStoreRegistry;

/** A logistic model whose score rises with V1: easy to reason about in assertions. */
async function saveModel(
  version: string,
  weightOnV1: number,
  spec: ModelManifest['feature_spec'] = KAGGLE_FEATURES,
  weightAt = 0,
  bias = -2,
): Promise<void> {
  const width = spec.names.length;
  const model = tf.sequential({ layers: [tf.layers.dense({ inputShape: [width], units: 1, activation: 'sigmoid' })] });
  const w = new Float32Array(width);
  w[weightAt] = weightOnV1;
  model.setWeights([tf.tensor2d(w, [width, 1]), tf.tensor1d([bias])]);
  const manifest: ModelManifest = {
    version,
    created_at: new Date().toISOString(),
    model: 'logistic-regression',
    feature_spec: spec,
    scaler: { mean: new Array(width).fill(0), std: new Array(width).fill(1) },
    threshold: 0.5,
    threshold_rule: { kind: 'target-precision', precision: 0.8 },
    metrics: { auprc: 0.5, roc_auc: 0.9, precision: 0.8, recall: 0.5, f1: 0.6, tp: 1, fp: 0, tn: 1, fn: 1 },
    candidates: [],
    data: {
      train_rows: 1,
      validation_rows: 1,
      train_frauds: 0,
      validation_frauds: 0,
      train_range: [0, 1],
      validation_range: [1, 2],
      gap_seconds: 0,
    },
    code_version: 'test',
    seed: 1,
  };
  await registry.save(manifest, model);
  await registry.promote(version, 'test');
}

const tx = (v1: number, extra: Record<string, unknown> = {}) => ({
  Time: 3600,
  ...Object.fromEntries(PCA_COLUMNS.map((c) => [c, 0])),
  V1: v1,
  Amount: 10,
  ...extra,
});
const post = (body: unknown, headers: Record<string, string> = { 'x-api-key': KEY }) =>
  fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });

beforeAll(async () => {
  Object.assign(process.env, {
    FRAUDFLOW_DATA_DIR: dir.path,
    FRAUDFLOW_API_KEY: KEY,
    FRAUDFLOW_SCORE_MAX_BODY_BYTES: '4096',
    FRAUDFLOW_SCORE_MAX_BATCH: '5',
  });
  await tfReady();
  registry = new ObjectStoreRegistry(new LocalObjectStore(join(dir.path, 'models')));
  await saveModel('m1', 4);
  await import('../../functions/score/index.ts');
  served = await serveFunction('score');
  url = served.url;
}, 60_000);

afterAll(async () => {
  await served?.stop();
  dir.cleanup();
});

describe('score HTTP function', () => {
  it('answers a verdict with probability, threshold, model version, three reasons and latency, and publishes it', async () => {
    const res = await post(tx(2, { transaction_id: 'tx-1', customer_id: 'c-9' }));
    expect(res.status).toBe(200);
    const body = (await res.json()) as Record<string, unknown>;
    expect(body).toMatchObject({ transaction_id: 'tx-1', verdict: 'fraud', threshold: 0.5, model_version: 'm1' });
    expect(body.probability as number).toBeCloseTo(1 / (1 + Math.exp(-(4 * 2 - 2))), 5);
    expect((body.reasons as Array<{ feature: string }>)[0]!.feature).toBe('V1');
    expect(body.reasons).toHaveLength(3);
    expect(typeof body.latency_ms).toBe('number');
    const { processRuntime } = await import('../../shared/runtime.ts');
    const info = await (await processRuntime().eventLog()).describeTopic('verdicts');
    expect(info.partitions.reduce((n, p) => n + p.highWatermark, 0)).toBe(1);
  });

  it('scores a batch, one answer per transaction in order', async () => {
    const res = await post([tx(-3), tx(0.4), tx(3)]);
    const body = (await res.json()) as Array<{ verdict: string }>;
    expect(body.map((b) => b.verdict)).toEqual(['legit', 'review', 'fraud']);
  });

  it('lists every invalid field with 400', async () => {
    const res = await post(tx(1, { Amount: -1, V3: 'x', V5: undefined }));
    expect(res.status).toBe(400);
    const body = (await res.json()) as { issues: Array<{ field: string }> };
    expect(body.issues.map((i) => i.field).sort()).toEqual(['Amount', 'V3', 'V5']);
  });

  it('refuses a body over the limit with 413, a too large batch with 400, and a missing key with 401', async () => {
    expect((await post({ ...tx(1), transaction_id: 'x'.repeat(5000) })).status).toBe(413);
    expect((await post([tx(1), tx(1), tx(1), tx(1), tx(1), tx(1)])).status).toBe(400);
    expect((await post(tx(1), {})).status).toBe(401);
    expect((await post(tx(1), { 'x-api-key': 'wrong'.repeat(5) })).status).toBe(401);
  });

  it('picks up a new champion without a restart', async () => {
    await saveModel('m2', -4);
    const version = await waitFor(
      async () => {
        const b = (await (await post(tx(2))).json()) as { model_version: string };
        return b.model_version === 'm2' ? b.model_version : undefined;
      },
      'the new champion to answer',
      20_000,
      250,
    );
    expect(version).toBe('m2');
  }, 30_000);
});

describe('score HTTP function, raw format', () => {
  const rawTx = (id: string, at: string, extra: Record<string, unknown> = {}) => ({
    transaction_id: id,
    tx_datetime: at,
    customer_id: 'cust-7',
    terminal_id: 'term-3',
    amount: 42.5,
    ...extra,
  });
  const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));

  it("computes behavioural features from the online state: the customer's second transaction of the day counts the first", async () => {
    // A raw champion whose score rises with the customer's 1-day count.
    await saveModel('r1', 2, RAW_FEATURES, RAW_FEATURES.names.indexOf('customer_id_nb_tx_1day_window'), -3);
    // Until the new champion answers, a Kaggle transaction is scored; then it is refused as the wrong format.
    const refused = await waitFor(
      async () => {
        const res = await post(tx(2));
        return res.status === 422 ? ((await res.json()) as { code: string; error: string }) : undefined;
      },
      'the raw champion to answer',
      20_000,
      250,
    );
    expect(refused.code).toBe('FORMAT_MISMATCH');
    expect(refused.error).toMatch(/champion r1 scores raw-format transactions; this request is kaggle/);

    const first = (await (await post(rawTx('raw-1', '2026-05-04T10:00:00Z'))).json()) as {
      transaction_id: string;
      probability: number;
      model_version: string;
      reasons: unknown[];
    };
    expect(first).toMatchObject({ transaction_id: 'raw-1', model_version: 'r1' });
    expect(first.probability).toBeCloseTo(sigmoid(2 * 1 - 3), 5);
    expect(first.reasons).toHaveLength(3);
    const second = (await (await post(rawTx('raw-2', '2026-05-04T11:30:00Z'))).json()) as { probability: number };
    expect(second.probability).toBeCloseTo(sigmoid(2 * 2 - 3), 5);
  }, 30_000);

  it('gives a retried transaction the same score, recording it once', async () => {
    const again = (await (await post(rawTx('raw-2', '2026-05-04T11:30:00Z'))).json()) as { probability: number };
    expect(again.probability).toBeCloseTo(sigmoid(2 * 2 - 3), 5);
    const third = (await (await post(rawTx('raw-3', '2026-05-04T12:00:00Z'))).json()) as { probability: number };
    expect(third.probability).toBeCloseTo(sigmoid(2 * 3 - 3), 5);
  });

  it('lists every invalid raw field with 400, and refuses a batch that mixes formats', async () => {
    const res = await post(rawTx('raw-9', '2026-02-30T10:00:00Z', { amount: -3, terminal_id: '' }));
    expect(res.status).toBe(400);
    const body = (await res.json()) as { error: string; issues: Array<{ field: string }> };
    expect(body.error).toBe('invalid raw transaction');
    expect([...new Set(body.issues.map((i) => i.field))].sort()).toEqual(['amount', 'terminal_id', 'tx_datetime']);
    const mixed = await post([rawTx('raw-10', '2026-05-04T13:00:00Z'), tx(1)]);
    expect(mixed.status).toBe(400);
    expect(((await mixed.json()) as { issues: Array<{ field: string; message: string }> }).issues).toEqual([
      { field: '[1].(body)', message: 'a batch holds one format: item 0 is raw, this one is not' },
    ]);
  });
});
