// The score HTTP function on values that validate alone but are absurd: 400 naming each field, 422 for a time too far ahead, never a 500.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KAGGLE_FEATURES } from '../../shared/features/kaggle.ts';
import { RAW_FEATURES } from '../../shared/features/raw/spec.ts';
import { PCA_COLUMNS } from '../../shared/schema/kaggle.ts';
import { MAX_KAGGLE_TIME_SECONDS } from '../../shared/schema/limits.ts';
import { championWith } from '../adversarial/champion.ts';
import { serveFunction, type Served } from '../helpers/serve-function.ts';
import { tempDir } from '../helpers/tmp.ts';
import { waitFor } from '../helpers/wait.ts';

const dir = tempDir('fraudflow-score-hostile-');
let served: Served | undefined;
let url: string;

beforeAll(async () => {
  Object.assign(process.env, { FRAUDFLOW_DATA_DIR: dir.path });
  await championWith(dir.path, 'k1', KAGGLE_FEATURES, { V1: 1 });
  await import('../../functions/score/index.ts');
  served = await serveFunction('score');
  url = served.url;
}, 60_000);
afterAll(async () => {
  await served?.stop();
  dir.cleanup();
});

const post = async (body: unknown) => {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await res.text();
  // No error body shows a stack trace or a path of this machine.
  expect(text).not.toMatch(/\bat .*\.ts:\d+|\/work\/|node_modules/);
  return { status: res.status, body: JSON.parse(text) as Record<string, unknown> };
};
const fields = (body: Record<string, unknown>) =>
  (body.issues as Array<{ field: string; message: string }>).map((i) => `${i.field}: ${i.message}`);

const kaggle = (over: Record<string, unknown> = {}) => ({
  Time: 3600,
  ...Object.fromEntries(PCA_COLUMNS.map((c) => [c, 0])),
  Amount: 10,
  ...over,
});

describe('score HTTP on absurd Kaggle values', () => {
  it('answers V1 = 1e308, V2 = -1e308 with 400 naming both fields and their bounds', async () => {
    const { status, body } = await post(kaggle({ V1: 1e308, V2: -1e308 }));
    expect(status).toBe(400);
    expect(fields(body)).toEqual([
      'V1: Too big: expected number to be <=1000',
      'V2: Too small: expected number to be >=-1000',
    ]);
  });

  it('answers Time = 2e300, a huge or negative amount, and NaN or Infinity text with 400 listing each field', async () => {
    const { status, body } = await post([
      kaggle({ Time: 2e300 }),
      kaggle({ Amount: 1e12 }),
      kaggle({ Amount: -1 }),
      kaggle({ V4: 'NaN', V5: 'Infinity' }),
    ]);
    expect(status).toBe(400);
    expect(fields(body)).toEqual([
      `[0].Time: Too big: expected number to be <=${MAX_KAGGLE_TIME_SECONDS}`,
      '[1].Amount: Too big: expected number to be <=1000000',
      '[2].Amount: Too small: expected number to be >=0',
      '[3].V4: Invalid input: expected number, received string',
      '[3].V5: Invalid input: expected number, received string',
    ]);
  });

  it('answers bare NaN, Infinity and 1e999 in the JSON with 400, and scores -0 and values on the bounds', async () => {
    const text = JSON.stringify(kaggle({ transaction_id: 'k-nan' }));
    for (const literal of ['NaN', 'Infinity', '-Infinity']) {
      // Not JSON: the framework's body parser refuses it before the function runs (its error page is the HTTP edge's).
      const r = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: text.replace('"V1":0', `"V1":${literal}`),
      });
      expect(r.status).toBe(400);
    }
    // 1e999 is valid JSON: it parses to Infinity, which the schema refuses by name.
    const inf = await post(text.replace('"V1":0', '"V1":1e999'));
    expect(inf.status).toBe(400);
    expect(fields(inf.body)).toEqual(['V1: Invalid input: expected number, received Infinity']);
    const edge = await post(text.replace('"V1":0', '"V1":-0').replace('"V2":0', '"V2":1000'));
    expect(edge.status).toBe(200);
    expect(edge.body).toMatchObject({ transaction_id: 'k-nan', model_version: 'k1' });
  });
});

describe('score HTTP on raw transactions with impossible or too-early times', () => {
  const raw = (id: string, at: string) => ({
    transaction_id: id,
    tx_datetime: at,
    customer_id: 'cust-1',
    terminal_id: 'term-1',
    amount: 12.5,
  });

  beforeAll(async () => {
    await championWith(dir.path, 'r1', RAW_FEATURES, { tx_amount: 0.01 });
    await waitFor(
      async () => ((await post(raw('probe', '2026-05-04T10:00:00Z'))).status === 200 ? true : undefined),
      'the raw champion to answer',
      30_000,
      250,
    );
  }, 60_000);

  it.each([
    ['2026-05-04T10:00:00+99:99', 'not a real zone offset: +99:99 (offsets run -12:00..+14:00, minutes 00..59)'],
    ['2026-05-04T10:00:00+24:30', 'not a real zone offset: +24:30 (offsets run -12:00..+14:00, minutes 00..59)'],
    ['2026-05-04T10:00:00+14:01', 'not a real zone offset: +14:01 (offsets run -12:00..+14:00, minutes 00..59)'],
    ['2026-02-30T10:00:00Z', 'not a real calendar date-time: February 2026 has no day 30 (it has 28)'],
    ['2026-05-04T24:00:00Z', 'not a real calendar date-time: hour 24 (hours run 00..23)'],
    ['0001-05-04T10:00:00Z', 'year 0001 is outside 1970..2100'],
  ])('answers tx_datetime %s with 400 saying why', async (at, why) => {
    const { status, body } = await post(raw('bad', at));
    expect(status).toBe(400);
    expect(fields(body)).toEqual([`tx_datetime: ${why}`]);
  });

  it('names the item of a batch that holds the bad time', async () => {
    const { status, body } = await post([raw('ok', '2026-05-04T10:00:00Z'), raw('bad', '2026-05-04T10:00:00-00:60')]);
    expect(status).toBe(400);
    expect(fields(body)).toEqual([
      '[1].tx_datetime: not a real zone offset: -00:60 (offsets run -12:00..+14:00, minutes 00..59)',
    ]);
  });

  it('refuses a time more than a day ahead of the wall clock with 422 and a clear message; an hour ahead is scored', async () => {
    const ahead = (s: number) => new Date(Date.now() + s * 1000).toISOString();
    const far = await post(raw('future', ahead(2 * 86_400)));
    expect(far.status).toBe(422);
    expect(far.body.code).toBe('TIME_OUT_OF_RANGE');
    expect(far.body.error).toMatch(
      /^transaction future: tx_datetime: \S+ is 1728\d\d s ahead of the clock \(.*\); online scoring accepts at most 86400 s ahead \(FRAUDFLOW_MAX_FUTURE_SKEW_SECONDS\)$/,
    );
    const near = await post(raw('soon', ahead(3600)));
    expect(near.status).toBe(200);
    expect(near.body).toMatchObject({ transaction_id: 'soon', model_version: 'r1' });
  });
});
