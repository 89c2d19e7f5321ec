// When the model endpoint fails, every transaction still gets a verdict: the configured fallback, marked as such.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { scoreTransactions } from '../../shared/scoring/score.ts';
import { EmbeddedEventLog } from '../../shared/eventlog/embedded/embedded.ts';
import { FraudflowError } from '../../shared/errors.ts';
import { silentLogger } from '../../shared/logger.ts';
import type { ModelEndpoint } from '../../shared/model/port.ts';
import { PCA_COLUMNS } from '../../shared/schema/kaggle.ts';
import { topicSpecs } from '../../shared/topics.ts';
import { tempDir } from '../helpers/tmp.ts';

const down: ModelEndpoint = {
  kind: 'down',
  manifest: async () => {
    throw new FraudflowError('TIMEOUT', 'model endpoint timed out after 2000 ms');
  },
  predict: async () => {
    throw new FraudflowError('TIMEOUT', 'model endpoint timed out after 2000 ms');
  },
  explain: async () => {
    throw new FraudflowError('TIMEOUT', 'model endpoint timed out after 2000 ms');
  },
  hold: async () => {
    throw new FraudflowError('TIMEOUT', 'model endpoint timed out after 2000 ms');
  },
};

describe('score fallback', () => {
  it('answers the fallback verdict for every transaction and still publishes it', async () => {
    const dir = tempDir('fraudflow-fallback-');
    const log = new EmbeddedEventLog({ path: join(dir.path, 'log.sqlite') });
    for (const s of topicSpecs(2)) await log.ensureTopic(s);
    const txs = [1, 2].map((i) => ({
      Time: i,
      ...Object.fromEntries(PCA_COLUMNS.map((c) => [c, 0])),
      Amount: 5,
      transaction_id: `t${i}`,
    })) as never[];
    const verdicts = await scoreTransactions(
      txs,
      { model: down, eventLog: log, logger: silentLogger },
      { reviewRatio: 0.5, fallbackVerdict: 'review', reasons: 3, source: 'test' },
    );
    expect(verdicts.map((v) => [v.transaction_id, v.verdict, v.fallback, v.model_version])).toEqual([
      ['t1', 'review', true, 'fallback'],
      ['t2', 'review', true, 'fallback'],
    ]);
    const info = await log.describeTopic('verdicts');
    expect(info.partitions.reduce((n, p) => n + p.highWatermark, 0)).toBe(2);
    await log.close();
    dir.cleanup();
  });
});
