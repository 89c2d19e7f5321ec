// score-stream never stops on one bad message: it is dead-lettered with its reason, the offset moves past it, the ones behind it are scored.
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { scoreStream, type ScoreStreamOptions } from '../../functions/score-stream/score-stream.ts';
import { EmbeddedEventLog } from '../../shared/eventlog/embedded/embedded.ts';
import { nextOffsets, type EventLog } from '../../shared/eventlog/port.ts';
import { FraudflowError } from '../../shared/errors.ts';
import { SqliteFeatureState } from '../../shared/features/raw/sqlite/sqlite-state.ts';
import type { FeatureState } from '../../shared/features/raw/port.ts';
import { RAW_FEATURES } from '../../shared/features/raw/spec.ts';
import { silentLogger } from '../../shared/logger.ts';
import type { ModelEndpoint } from '../../shared/model/port.ts';
import { DeadLetter } from '../../shared/schema/dead-letter.ts';
import { PCA_COLUMNS } from '../../shared/schema/kaggle.ts';
import { checkEnvelope } from '../../shared/schema/registry.ts';
import type { Verdict } from '../../shared/schema/verdict.ts';
import { topicSpecs, TOPICS } from '../../shared/topics.ts';
import { tempDir } from '../helpers/tmp.ts';
import { championWith } from './champion.ts';

const dir = tempDir('fraudflow-poison-');
const NOW = new Date('2026-06-01T00:00:00Z');
let model: ModelEndpoint;
let log: EventLog;
let features: FeatureState;
let group: string;

beforeAll(async () => {
  model = (await championWith(dir.path, 'raw-1', RAW_FEATURES, { tx_amount: 0.01 })).endpoint;
}, 60_000);
beforeEach(async () => {
  const path = join(dir.path, randomUUID());
  log = new EmbeddedEventLog({ path: `${path}-log.sqlite` });
  for (const s of topicSpecs(2)) await log.ensureTopic(s);
  features = new SqliteFeatureState(`${path}-state.sqlite`);
  group = `score-${randomUUID().slice(0, 8)}`;
  return async () => {
    await log.close();
    await features.close();
  };
});
afterAll(() => dir.cleanup());

let seq = 0;
const envelope = (name: string, payload: Record<string, unknown>) => {
  const id = (++seq).toString(16).padStart(32, '0');
  return {
    id,
    text: JSON.stringify({
      id,
      schema: { name, version: 1 },
      source: { file: 'old.csv', line: seq + 1 },
      ingested_at: '2026-05-04T12:00:00Z',
      payload,
    }),
  };
};
const raw = (txId: string, at: string, customer = 'cust-1') =>
  envelope('raw', {
    transaction_id: txId,
    tx_datetime: at,
    customer_id: customer,
    terminal_id: 'term-1',
    amount: 12.5,
  });

/** Everything on one partition, in this order: what comes behind a bad message must still be scored. */
async function produce(messages: Array<{ text: string }>): Promise<void> {
  await log.produce(
    TOPICS.transactions,
    messages.map((m) => ({ key: 'one-key', value: m.text })),
  );
}

async function readAll(topic: string): Promise<Buffer[]> {
  const c = await log.consumer(`read-${randomUUID()}`, topic);
  const out: Buffer[] = [];
  for (;;) {
    const batch = await c.poll({ maxRecords: 10_000, maxWaitMs: 50 });
    if (batch.length === 0) break;
    out.push(...batch.map((r) => r.value));
    await c.commit(nextOffsets(batch));
  }
  await c.close();
  return out;
}
const deadLetters = async () =>
  (await readAll(TOPICS.transactionsDlq)).map((v) => DeadLetter.parse(JSON.parse(v.toString())));
const verdicts = async () =>
  (await readAll(TOPICS.verdicts)).map((v) => {
    const checked = checkEnvelope(v);
    if (!checked.ok) throw new Error(`an invalid verdict was published: ${checked.reasons.join('; ')}`);
    return checked.envelope.payload as unknown as Verdict;
  });

const run = (over: Partial<ScoreStreamOptions> = {}, state: FeatureState = features) =>
  scoreStream(
    { eventLog: log, model, features: state, logger: silentLogger, now: () => NOW },
    {
      group,
      batchSize: 3,
      maxRows: 1000,
      maxSeconds: 60,
      reviewRatio: 0.5,
      fallbackVerdict: 'review',
      reasons: 0,
      maxFutureSkewSeconds: 86_400,
      ...over,
    },
  );

describe('score-stream with bad messages in the middle', () => {
  it('dead-letters each with a reason naming the rule, scores the rest, and commits past all of them', async () => {
    const good = [
      raw('a1', '2026-05-04T10:00:00Z'),
      raw('a2', '2026-05-04T10:05:00+02:00'),
      raw('a3', '2026-05-31T23:00:00Z'),
    ];
    const kaggle = Object.fromEntries([['Time', 1], ...PCA_COLUMNS.map((c) => [c, 0]), ['Amount', 1]]);
    await produce([
      good[0]!,
      raw('bad-offset', '2026-05-04T10:00:00+99:99'), // ingested before the grammar knew offsets: Date.parse gave NaN
      good[1]!,
      { text: 'not json {' },
      raw('too-early', '2026-06-02T00:00:01Z'),
      envelope('kaggle', { ...kaggle, V1: 1e308 }),
      envelope('label', { transaction_id: 'a1', label: 1, source: 'chargeback', labelled_at: '2026-05-05T00:00:00Z' }),
      raw('bad-date', '2026-02-30T10:00:00Z'),
      good[2]!,
    ]);
    const first = await run();
    expect(first).toMatchObject({ read: 9, scored: 3, skipped: 0, dead_lettered: 6, lag_left: 0 });
    expect(first.read).toBe(first.scored + first.skipped + first.dead_lettered);

    // Raw verdicts name the business transaction id (as HTTP ones do), so both paths give one verdict per transaction.
    expect((await verdicts()).map((v) => v.transaction_id).sort()).toEqual(['a1', 'a2', 'a3']);
    const letters = await deadLetters();
    expect(letters.map((d) => [d.file, d.line])).toEqual([2, 4, 5, 6, 7, 8].map((line) => ['transactions[1]', line]));
    const reasons = letters.map((d) => d.reasons.join('; '));
    expect(reasons[0]).toBe(
      'score-stream: payload.tx_datetime: not a real zone offset: +99:99 (offsets run -12:00..+14:00, minutes 00..59)',
    );
    expect(reasons[1]).toMatch(/^score-stream: not JSON: /);
    expect(reasons[2]).toBe(
      'score-stream: payload.tx_datetime: 2026-06-02T00:00:01Z is 86401 s ahead of the clock (2026-06-01T00:00:00.000Z); ' +
        'online scoring accepts at most 86400 s ahead (FRAUDFLOW_MAX_FUTURE_SKEW_SECONDS)',
    );
    expect(reasons[3]).toBe('score-stream: payload.V1: Too big: expected number to be <=1000');
    expect(reasons[4]).toBe('score-stream: schema.name: label is not a transaction format');
    expect(reasons[5]).toMatch(
      /^score-stream: payload.tx_datetime: not a real calendar date-time: February 2026 has no day 30/,
    );
    expect(letters[1]!.raw).toBe('not json {');
    expect(letters[2]!.schema).toBe('raw/1');

    // Only the scored transactions joined the feature state: no NaN, no future time.
    expect(await features.keptEvents('customer', 'cust-1')).toBe(3);
  });

  it('is not stuck on a second run, and scores what arrives after', async () => {
    await produce([raw('b1', '2026-05-04T10:00:00+24:30'), raw('b2', '2026-05-04T11:00:00Z')]);
    expect(await run()).toMatchObject({ read: 2, scored: 1, dead_lettered: 1, lag_left: 0 });
    expect(await run()).toMatchObject({ read: 0, scored: 0, dead_lettered: 0, lag_left: 0 });
    await produce([raw('b3', '2026-05-04T12:00:00Z'), raw('b4', '9999-12-31T23:59:59Z')]);
    expect(await run()).toMatchObject({ read: 2, scored: 1, dead_lettered: 1, lag_left: 0 });
    expect((await deadLetters()).map((d) => d.line)).toEqual([1, 4]);
  });

  it('gives a redone batch the same dead-letter ids, so the sink keeps each bad message once', async () => {
    await produce([raw('c1', '2026-05-04T10:00:00-00:60'), raw('c2', '2026-05-04T11:00:00Z')]);
    await run();
    await run({ group: `${group}-again` });
    const ids = (await deadLetters()).map((d) => d.id);
    expect(ids).toHaveLength(2);
    expect(new Set(ids).size).toBe(1);
  });

  it('dead-letters a message whose features fail with a typed error, and stops, without committing, on an outage', async () => {
    const refuse = (customer: string) => {
      if (customer === 'cust-typed')
        throw new FraudflowError('INPUT_INVALID', 'customer cust-typed: history holds a time outside the grammar');
      if (customer === 'cust-down') throw new FraudflowError('EVENTLOG_UNAVAILABLE', 'state store unreachable');
    };
    const picky: FeatureState = {
      windows: async (q) => {
        refuse(q.customerId);
        return features.windows(q);
      },
      windowsThenAppend: async (customer, terminal, event) => {
        refuse(customer);
        return features.windowsThenAppend(customer, terminal, event);
      },
      append: (c, t, e) => features.append(c, t, e),
      setLabel: (id, l) => features.setLabel(id, l),
      keptEvents: (kind, id) => features.keptEvents(kind, id),
      close: async () => undefined,
    };
    await produce([raw('d1', '2026-05-04T10:00:00Z', 'cust-typed'), raw('d2', '2026-05-04T11:00:00Z')]);
    expect(await run({}, picky)).toMatchObject({ read: 2, scored: 1, dead_lettered: 1, lag_left: 0 });
    expect((await deadLetters())[0]!.reasons).toEqual([
      'score-stream: INPUT_INVALID: customer cust-typed: history holds a time outside the grammar',
    ]);
    await produce([raw('d3', '2026-05-04T12:00:00Z', 'cust-down')]);
    await expect(run({}, picky)).rejects.toMatchObject({ code: 'EVENTLOG_UNAVAILABLE' });
    // The outage is not the message's fault: it stays unread, and is scored once the state is back.
    expect(await run()).toMatchObject({ read: 1, scored: 1, dead_lettered: 0, lag_left: 0 });
  });
});
