// score-stream stops at its own budget (FRAUDFLOW_SCORE_STREAM_MAX_ROWS / _MAX_SECONDS), whatever the sink's says,
// with everything it read committed and the rest left for the next run.
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { scoreStreamWith } from '../../functions/score-stream/index.ts';
import { loadConfig } from '../../shared/config.ts';
import { createRuntime } from '../../shared/runtime.ts';
import { createLogger } from '../../shared/logger.ts';
import { KAGGLE_FEATURES } from '../../shared/features/kaggle.ts';
import { kaggleRecords } from '../../shared/synth/kaggle.ts';
import { contentId } from '../../shared/schema/formats.ts';
import { TOPICS } from '../../shared/topics.ts';
import { championWith } from '../adversarial/champion.ts';
import { tempDir } from '../helpers/tmp.ts';

const dir = tempDir('fraudflow-stream-budget-');
afterAll(() => dir.cleanup());

const messages = (from: number, n: number) =>
  [...kaggleRecords(from + n, 3)].slice(from).map((payload, i) => ({
    key: String(from + i),
    value: JSON.stringify({
      id: contentId(`budget:${from + i}`),
      schema: { name: 'kaggle', version: 1 },
      source: { file: 'budget.csv', line: from + i + 2 },
      ingested_at: '2026-11-25T00:00:00Z',
      payload,
    }),
  }));

describe('score-stream budget', () => {
  it('reads no more than FRAUDFLOW_SCORE_STREAM_MAX_ROWS a run, though the sink budget is larger', async () => {
    const env = {
      FRAUDFLOW_DATA_DIR: join(dir.path, 'rows'),
      FRAUDFLOW_SCORE_STREAM_MAX_ROWS: '120',
      FRAUDFLOW_SINK_MAX_ROWS: '1000000',
    };
    const rt = createRuntime(loadConfig(env), createLogger({ level: 'ERROR' }));
    try {
      await championWith(env.FRAUDFLOW_DATA_DIR, 'budget-1', KAGGLE_FEATURES, { V1: 1 });
      await (await rt.eventLog()).produce(TOPICS.transactions, messages(0, 300));
      const first = await scoreStreamWith(rt, { batchSize: 50 });
      expect(first).toMatchObject({ read: 120, scored: 120, lag_left: 180 });
      const second = await scoreStreamWith(rt, { batchSize: 50 });
      expect(second).toMatchObject({ read: 120, scored: 120, lag_left: 60 });
      expect(await scoreStreamWith(rt, { batchSize: 50 })).toMatchObject({ read: 60, lag_left: 0 });
    } finally {
      await rt.close();
    }
  }, 60_000);

  it('a following run stops after FRAUDFLOW_SCORE_STREAM_MAX_SECONDS, though the sink budget is longer', async () => {
    const env = {
      FRAUDFLOW_DATA_DIR: join(dir.path, 'seconds'),
      FRAUDFLOW_SCORE_STREAM_MAX_SECONDS: '2',
      FRAUDFLOW_SINK_MAX_SECONDS: '3600',
    };
    const rt = createRuntime(loadConfig(env), createLogger({ level: 'ERROR' }));
    try {
      await championWith(env.FRAUDFLOW_DATA_DIR, 'budget-2', KAGGLE_FEATURES, { V1: 1 });
      await (await rt.eventLog()).produce(TOPICS.transactions, messages(0, 50));
      // Following, only the time budget ends the run (no stop signal is given).
      const started = Date.now();
      const run = await scoreStreamWith(rt, { follow: true });
      const took = Date.now() - started;
      expect(run).toMatchObject({ read: 50, scored: 50, lag_left: 0 });
      expect(took).toBeGreaterThanOrEqual(2000);
      expect(took).toBeLessThan(15_000);
    } finally {
      await rt.close();
    }
  }, 60_000);
});
