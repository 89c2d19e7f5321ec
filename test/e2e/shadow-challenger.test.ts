// The shadow challenger on real HTTP and the real stream: the champion's answers do not change, the challenger's
// scores go to `verdicts.shadow` with its version and role, and the sink lands each once in DuckDB's shadow table.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tfReady } from '../../shared/model/tf-backend.ts';
import { ObjectStoreRegistry } from '../../shared/model/registry/objectstore/registry.ts';
import { LocalObjectStore } from '../../shared/objectstore/local/local.ts';
import { RAW_FEATURES } from '../../shared/features/raw/spec.ts';
import { contentId } from '../../shared/schema/formats.ts';
import { TOPICS } from '../../shared/topics.ts';
import { queryAll } from '../../shared/warehouse/port.ts';
import { tempDir } from '../helpers/tmp.ts';
import { serveFunction, type Served } from '../helpers/serve-function.ts';
import { saveRawChampion } from '../helpers/rules-history.ts';
import { tinyManifest, tinyModel } from '../helpers/model.ts';
import { waitFor } from '../helpers/wait.ts';

const dir = tempDir('fraudflow-shadow-');
let served: Served | undefined;
const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));
const tx = (id: string, amount: number, at = '2026-03-02T12:00:00Z') => ({
  transaction_id: id,
  tx_datetime: at,
  customer_id: `c-${id}`,
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
const runtime = async () => (await import('../../shared/runtime.ts')).processRuntime();

/** Every shadow verdict on the topic so far, by transaction id. */
async function shadowOnTopic(group: string): Promise<Map<string, Record<string, unknown>>> {
  const consumer = await (await (await runtime()).eventLog()).consumer(group, TOPICS.verdictsShadow);
  const out = new Map<string, Record<string, unknown>>();
  try {
    for (;;) {
      const records = await consumer.poll({ maxRecords: 500, maxWaitMs: 50 });
      if (records.length === 0) return out;
      for (const r of records) {
        const p = JSON.parse(r.value.toString()).payload as Record<string, unknown>;
        out.set(String(p.transaction_id), p);
      }
    }
  } finally {
    await consumer.close();
  }
}

beforeAll(async () => {
  Object.assign(process.env, {
    FRAUDFLOW_DATA_DIR: dir.path,
    FRAUDFLOW_SHADOW: 'auto',
    FRAUDFLOW_SHADOW_HTTP_SHARE: '1',
  });
  await tfReady();
  const registry = new ObjectStoreRegistry(new LocalObjectStore(join(dir.path, 'models')));
  // Champion: sigmoid(0.02 x amount - 3). Challenger, trained later and not promoted: sigmoid(0.03 x amount - 3).
  await saveRawChampion(registry, 'raw-m1');
  const promotion = { promoted: false, reason: 'below the margin', margin: 0.005, champion: null };
  await registry.save(
    tinyManifest('raw-m2', { feature_spec: RAW_FEATURES, promotion }),
    tinyModel(
      RAW_FEATURES.names.map((_, i) => (i === 0 ? 0.03 : 0)),
      -3,
    ),
  );
  await import('../../functions/score/index.ts');
  served = await serveFunction('score');
}, 60_000);

afterAll(async () => {
  await served?.stop();
  dir.cleanup();
  for (const k of ['FRAUDFLOW_SHADOW', 'FRAUDFLOW_SHADOW_HTTP_SHARE']) delete process.env[k];
});

describe('shadow challenger', () => {
  it('answers HTTP with the champion alone while the challenger scores the same transactions beside it', async () => {
    const single = await post(tx('h-1', 110));
    expect(single.status).toBe(200);
    expect(single.body).toMatchObject({ model_version: 'raw-m1', verdict: 'review' });
    expect(single.body.probability).toBeCloseTo(sigmoid(0.02 * 110 - 3), 5);
    expect(single.body).not.toHaveProperty('role');
    const batch = await post([tx('h-2', 10), tx('h-3', 200)]);
    expect((batch.body as unknown as Array<Record<string, unknown>>).map((v) => v.model_version)).toEqual([
      'raw-m1',
      'raw-m1',
    ]);
    const shadow = await waitFor(
      async () => {
        const seen = await shadowOnTopic(`shadow-http-${Date.now()}`);
        return seen.size >= 3 ? seen : undefined;
      },
      'three shadow verdicts on verdicts.shadow',
      15_000,
      100,
    );
    expect(shadow.get('h-1')).toMatchObject({ role: 'shadow', model_version: 'raw-m2', verdict: 'fraud' });
    expect(shadow.get('h-1')!.probability as number).toBeCloseTo(sigmoid(0.03 * 110 - 3), 5);
    expect(shadow.get('h-2')!.probability as number).toBeCloseTo(sigmoid(0.03 * 10 - 3), 5);
  });

  it('scores every streamed transaction with the challenger too, and a redone batch lands once in the warehouse', async () => {
    const rt = await runtime();
    const log = await rt.eventLog();
    const txs = [1, 2, 3, 4, 5].map((i) => tx(`s-${i}`, 20 * i, `2026-03-03T1${i}:00:00Z`));
    const messages = txs.map((t, i) => ({
      key: t.customer_id,
      value: JSON.stringify({
        id: contentId(`raw/1:${t.transaction_id}`),
        ...{ schema: { name: 'raw', version: 1 }, source: { file: 'in.csv', line: i + 2 } },
        ingested_at: '2026-03-04T00:00:00Z',
        payload: t,
      }),
    }));
    await log.produce(TOPICS.transactions, messages);
    const { scoreStreamWith } = await import('../../functions/score-stream/index.ts');
    const first = await scoreStreamWith(rt, { maxSeconds: 10, group: 'shadow-stream-a' });
    expect(first.scored).toBe(5);
    // The same batch again (a crash before the commit redoes it): same ids, so the sink keeps one of each.
    const again = await scoreStreamWith(rt, { maxSeconds: 10, group: 'shadow-stream-b' });
    expect(again.scored).toBe(5);
    const { sinkWith } = await import('../../functions/sink/index.ts');
    const sunk = await sinkWith(rt);
    expect(sunk.find((t) => t.topic === TOPICS.verdictsShadow)).toMatchObject({ rows: 13, inserted: 8, duplicates: 5 });
    const w = await rt.warehouse();
    const rows = await queryAll(
      w,
      "select transaction_id, model_version, role, probability from shadow_verdicts where transaction_id like 's-%' order by transaction_id",
    );
    expect(rows.map((r) => [r.transaction_id, r.model_version, r.role])).toEqual(
      txs.map((t) => [t.transaction_id, 'raw-m2', 'shadow']),
    );
    expect(rows[2]!.probability as number).toBeCloseTo(sigmoid(0.03 * 60 - 3), 5);
    // The answers' table holds the champion's verdicts only.
    const champion = await queryAll(w, "select distinct model_version from verdicts where transaction_id like 's-%'");
    expect(champion.map((r) => r.model_version)).toEqual(['raw-m1']);
  });
});
