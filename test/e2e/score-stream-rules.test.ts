// score-stream with a rules version in force: the rules run on each streamed transaction's features after the
// model, and the verdicts on the topic say which fired and what decided.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scoreStream } from '../../functions/score-stream/score-stream.ts';
import { EmbeddedEventLog } from '../../shared/eventlog/embedded/embedded.ts';
import type { EventLog } from '../../shared/eventlog/port.ts';
import { MemoryFeatureState } from '../../shared/features/raw/memory-state.ts';
import { RAW_FEATURES } from '../../shared/features/raw/spec.ts';
import { silentLogger } from '../../shared/logger.ts';
import type { ModelEndpoint } from '../../shared/model/port.ts';
import { contentId } from '../../shared/schema/formats.ts';
import { topicSpecs, TOPICS } from '../../shared/topics.ts';
import { RulesFile } from '../../shared/scoring/rules/schema.ts';
import { ruleSetOf } from '../../shared/scoring/rules/ruleset.ts';
import { tempDir } from '../helpers/tmp.ts';
import { championWith } from '../adversarial/champion.ts';

const dir = tempDir('fraudflow-stream-rules-');
let model: ModelEndpoint;
let log: EventLog;
afterAll(() => dir.cleanup());
beforeAll(async () => {
  model = (await championWith(dir.path, 'raw-1', RAW_FEATURES, { tx_amount: 0.0001 }, -5)).endpoint;
  log = new EmbeddedEventLog({ path: join(dir.path, 'log.sqlite') });
  for (const s of topicSpecs(1)) await log.ensureTopic(s);
  return () => log.close();
}, 60_000);

const message = (payload: object, line: number) => ({
  key: 'k',
  value: JSON.stringify({
    id: contentId(`raw:${line}`),
    schema: { name: 'raw', version: 1 },
    source: { file: 'in.csv', line },
    ingested_at: '2026-05-20T00:00:00Z',
    payload,
  }),
});

describe('score-stream with rules', () => {
  it('reviews the third transaction of a customer in a day by a rule on its streamed features', async () => {
    const txs = [1, 2, 3].map((i) => ({
      transaction_id: `s-${i}`,
      tx_datetime: `2026-05-10T1${i}:00:00Z`,
      customer_id: 'c1',
      terminal_id: 't1',
      amount: 20,
    }));
    await log.produce(
      TOPICS.transactions,
      txs.map((t, i) => message(t, i + 2)),
    );
    const set = ruleSetOf(
      RulesFile.parse({
        rules: [
          {
            name: 'third-today',
            action: 'review',
            when: { field: 'customer_id_nb_tx_1day_window', op: '>=', value: 3 },
          },
        ],
      }),
      'r-stream',
    );
    const summary = await scoreStream(
      {
        eventLog: log,
        model,
        logger: silentLogger,
        features: new MemoryFeatureState(),
        rules: { current: async () => set },
      },
      {
        group: 'score-rules',
        batchSize: 100,
        maxRows: 100,
        maxSeconds: 30,
        reviewRatio: 0.5,
        fallbackVerdict: 'review',
        reasons: 0,
      },
    );
    expect(summary).toMatchObject({ scored: 3, review: 1, legit: 2 });
    const consumer = await log.consumer('check-rules', TOPICS.verdicts);
    const verdicts = (await consumer.poll({ maxRecords: 10, maxWaitMs: 200 })).map(
      (r) => JSON.parse(r.value.toString()).payload as Record<string, unknown>,
    );
    expect(verdicts.map((v) => [v.transaction_id, v.verdict, v.decided_by])).toEqual([
      ['s-1', 'legit', 'model'],
      ['s-2', 'legit', 'model'],
      ['s-3', 'review', 'rule:third-today'],
    ]);
    expect(verdicts[2]).toMatchObject({ rules_version: 'r-stream', model_verdict: 'legit' });
  });
});
