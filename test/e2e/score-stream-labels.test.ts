// Labels reach the online state the way offline features see them: carried by an ingested transaction, or arriving
// later on `labels`; a label sent over HTTP with a transaction is not trusted.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scoreStream } from '../../functions/score-stream/score-stream.ts';
import { EmbeddedEventLog } from '../../shared/eventlog/embedded/embedded.ts';
import type { EventLog } from '../../shared/eventlog/port.ts';
import { MemoryFeatureState } from '../../shared/features/raw/memory-state.ts';
import { SqliteFeatureState } from '../../shared/features/raw/sqlite/sqlite-state.ts';
import { computeAndRecord, scoringFeatures, type RawTx } from '../../shared/features/raw/compute.ts';
import { RAW_FEATURES } from '../../shared/features/raw/spec.ts';
import { silentLogger } from '../../shared/logger.ts';
import type { ModelEndpoint } from '../../shared/model/port.ts';
import { contentId } from '../../shared/schema/formats.ts';
import { topicSpecs, TOPICS } from '../../shared/topics.ts';
import { tempDir } from '../helpers/tmp.ts';
import { championWith } from '../adversarial/champion.ts';

const dir = tempDir('fraudflow-stream-labels-');
let model: ModelEndpoint;
let log: EventLog;
afterAll(() => dir.cleanup());
beforeAll(async () => {
  model = (await championWith(dir.path, 'raw-1', RAW_FEATURES, { tx_amount: 0.01 })).endpoint;
  log = new EmbeddedEventLog({ path: join(dir.path, 'log.sqlite') });
  for (const s of topicSpecs(2)) await log.ensureTopic(s);
  return () => log.close();
}, 60_000);

const risk7 = RAW_FEATURES.names.indexOf('terminal_id_risk_7day_window');
const count7 = RAW_FEATURES.names.indexOf('terminal_id_nb_tx_7day_window');
const tx = (id: string, day: number, customer: string, label?: 0 | 1): RawTx => ({
  transaction_id: id,
  tx_datetime: `2026-05-${String(day).padStart(2, '0')}T10:00:00Z`,
  customer_id: customer,
  terminal_id: 'term-x',
  amount: 20,
  ...(label === undefined ? {} : { label }),
});
const message = (name: string, payload: object, line: number) => ({
  key: 'k',
  value: JSON.stringify({
    id: contentId(`${name}:${line}:${JSON.stringify(payload)}`),
    schema: { name, version: 1 },
    source: { file: 'in.csv', line },
    ingested_at: '2026-05-20T00:00:00Z',
    payload,
  }),
});

describe('labels in the online state', () => {
  it('counts a label carried by an ingested transaction and a late one from the labels topic, as offline features do', async () => {
    const state = new SqliteFeatureState(join(dir.path, 'state.sqlite'));
    const history = [tx('old-1', 1, 'c1'), tx('old-2', 2, 'c2', 1), tx('old-3', 3, 'c3')];
    await log.produce(
      TOPICS.transactions,
      history.map((t, i) => message('raw', t, i + 2)),
    );
    const ports = { eventLog: log, model, logger: silentLogger, features: state };
    const options = {
      group: 'score-labels',
      batchSize: 100,
      maxRows: 1000,
      maxSeconds: 30,
      reviewRatio: 0.5,
      fallbackVerdict: 'review' as const,
      reasons: 0,
      explainAll: false,
    };
    const first = await scoreStream(ports, options);
    expect(first).toMatchObject({ read: 3, scored: 3, labels_applied: 0 });
    // old-1 turns out to be fraud: a chargeback on the labels topic, after it was scored.
    await log.produce(TOPICS.labels, [
      message(
        'label',
        { transaction_id: 'old-1', label: 1, source: 'chargeback', labelled_at: '2026-05-09T00:00:00Z' },
        2,
      ),
      message(
        'label',
        { transaction_id: 'no-such-tx', label: 1, source: 'chargeback', labelled_at: '2026-05-09T00:00:00Z' },
        3,
      ),
    ]);
    await log.produce(TOPICS.transactions, [message('raw', tx('new-1', 10, 'c9'), 5)]);
    const second = await scoreStream(ports, options);
    expect(second).toMatchObject({ read: 1, scored: 1, labels_applied: 2 });

    // What offline features give the next transaction, with every label known.
    const offline = new MemoryFeatureState();
    for (const t of [tx('old-1', 1, 'c1', 1), tx('old-2', 2, 'c2', 1), tx('old-3', 3, 'c3'), tx('new-1', 10, 'c9')])
      await computeAndRecord(t, offline);
    const probe = tx('probe', 10, 'c8');
    const expected = await computeAndRecord(probe, offline);
    const online = await scoringFeatures(probe, state);
    expect(online[count7]).toBe(3);
    expect(online[risk7]).toBeCloseTo(2 / 3, 12);
    expect(online).toEqual(expected);
    await state.close();
  });

  it('does not record the label of a transaction scored over HTTP: a caller cannot move a terminal risk', async () => {
    const state = new MemoryFeatureState();
    await scoringFeatures(tx('h-1', 1, 'c1', 1), state);
    await scoringFeatures(tx('h-2', 2, 'c2', 1), state);
    const later = await scoringFeatures(tx('h-3', 10, 'c3'), state);
    expect(later[count7]).toBe(2);
    expect(later[risk7]).toBe(0);
  });
});
