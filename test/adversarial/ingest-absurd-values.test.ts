// Ingest dead-letters values that are valid numbers or date-times alone but absurd, naming the rule; real extracts pass whole.
import { existsSync, readFileSync } from 'node:fs';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { inlineEncoder, workerEncoder, type Encoder } from '../../functions/ingest/encoder-pool.ts';
import type { IngestSummary } from '../../functions/ingest/ingest.ts';
import { TOPICS } from '../../shared/topics.ts';
import { MAX_AMOUNT, MAX_KAGGLE_TIME_SECONDS } from '../../shared/schema/limits.ts';
import { ingestHarness, type Harness } from '../helpers/ingest-harness.ts';
import { kaggleHeader, rawHeader, rawRow } from '../helpers/rows.ts';
import { KAGGLE_HEADER } from '../../shared/synth/kaggle.ts';

const ULB = '/work/shared/data/creditcard-ulb/creditcard_sample_492fraud_5000normal.csv';
const HANDBOOK_WEEK = '/work/shared/data/fraud-handbook-sim/raw_2018-04-01_to_2018-04-07.csv';

let h: Harness;
const pool = workerEncoder(2);
afterAll(() => pool.close());

async function expectCounts(s: IngestSummary, accepted: number, rejected: number): Promise<void> {
  expect(s.read).toBe(s.accepted + s.rejected + s.duplicates);
  expect([s.accepted, s.rejected]).toEqual([accepted, rejected]);
  expect((await h.readAll(TOPICS.transactions)).length).toBe(accepted);
  expect((await h.deadLetters()).length).toBe(rejected);
}

const kaggle = (over: Record<string, string>) =>
  KAGGLE_HEADER.map((c) => over[c] ?? (c === 'Class' ? '0' : c === 'Time' ? '406.0' : '0.25')).join(',');

describe.each([
  ['in-thread', inlineEncoder],
  ['worker pool', pool],
] as Array<[string, Encoder]>)('ingest of absurd values (%s encoder)', (_name, encoder) => {
  beforeEach(async () => {
    h = await ingestHarness(encoder);
  });
  afterEach(async () => {
    await h.close();
  });

  it('dead-letters Kaggle rows with magnitudes beyond the format, each reason naming the column and the bound', async () => {
    const rows = [
      kaggle({}),
      kaggle({ V1: '1e308', V2: '-1e308' }),
      kaggle({ Time: '2e300' }),
      kaggle({ Amount: '30000000' }),
      kaggle({ Amount: '-0.5' }),
      kaggle({ V28: '1000.5' }),
      kaggle({ V3: '-0', Time: String(MAX_KAGGLE_TIME_SECONDS), Amount: String(MAX_AMOUNT) }),
    ];
    const s = await h.ingestBytes('absurd.csv', [kaggleHeader, ...rows].join('\n') + '\n');
    await expectCounts(s, 2, 5);
    const byLine = new Map((await h.deadLetters()).map((d) => [d.line, d.reasons]));
    expect(byLine.get(3)).toEqual([
      'V1: Too big: expected number to be <=1000',
      'V2: Too small: expected number to be >=-1000',
    ]);
    expect(byLine.get(4)).toEqual([`Time: Too big: expected number to be <=${MAX_KAGGLE_TIME_SECONDS}`]);
    expect(byLine.get(5)).toEqual([`Amount: Too big: expected number to be <=${MAX_AMOUNT}`]);
    expect(byLine.get(6)).toEqual(['Amount: Too small: expected number to be >=0']);
    expect(byLine.get(7)).toEqual(['V28: Too big: expected number to be <=1000']);
  });

  it('dead-letters raw rows with impossible offsets, dates and years, and absurd amounts, naming the rule', async () => {
    const rows = [
      rawRow('ok1', '2026-04-01T10:00:00+14:00'),
      rawRow('tx2', '2026-04-01T10:00:00+99:99'),
      rawRow('tx3', '2026-04-01T10:00:00+24:30'),
      rawRow('tx4', '2026-04-01T10:00:00-00:60'),
      rawRow('tx5', '2026-13-01T10:00:00Z'),
      rawRow('tx6', '2026-04-01 24:00:00'),
      rawRow('tx7', '0001-01-01T00:00:00Z'),
      rawRow('tx8', '9999-12-31T23:59:59Z'),
      rawRow('tx9', '2026-04-01T10:00:00Z', 'c1', 't1', '1e308'),
      rawRow('tx10', '2026-04-01T10:00:00Z', 'c1', 't1', 'Infinity'),
      rawRow('ok2', '2026-04-01T10:00:00-12:00'),
      rawRow('ok3', '2026-04-01 10:00:00'),
    ];
    const s = await h.ingestBytes('raw-absurd.csv', [rawHeader, ...rows].join('\n') + '\n');
    await expectCounts(s, 3, 9);
    const byLine = new Map((await h.deadLetters()).map((d) => [d.line, d.reasons.join('; ')]));
    expect(byLine.get(3)).toBe(
      'tx_datetime: not a real zone offset: +99:99 (offsets run -12:00..+14:00, minutes 00..59)',
    );
    expect(byLine.get(4)).toMatch(/^tx_datetime: not a real zone offset: \+24:30/);
    expect(byLine.get(5)).toMatch(/^tx_datetime: not a real zone offset: -00:60/);
    expect(byLine.get(6)).toBe('tx_datetime: not a real calendar date-time: month 13 (months run 01..12)');
    expect(byLine.get(7)).toBe('tx_datetime: not a real calendar date-time: hour 24 (hours run 00..23)');
    expect(byLine.get(8)).toBe('tx_datetime: year 0001 is outside 1970..2100');
    expect(byLine.get(9)).toBe('tx_datetime: year 9999 is outside 1970..2100');
    expect(byLine.get(10)).toBe(`amount: Too big: expected number to be <=${MAX_AMOUNT}`);
    expect(byLine.get(11)).toBe('amount: expected a number, got "Infinity"');
  });
});

describe('real extracts', () => {
  beforeEach(async () => {
    h = await ingestHarness(inlineEncoder);
  });
  afterEach(async () => {
    await h.close();
  });

  it.skipIf(!existsSync(ULB))('accept every row of the ULB sample (all 492 frauds and 5,000 normal rows)', async () => {
    const s = await h.ingestFile(ULB, 5000);
    expect(s).toMatchObject({ format: 'kaggle', read: 5492, accepted: 5492, rejected: 0 });
  });

  /** The handbook's columns renamed to the raw format; its date-times (YYYY-MM-DD HH:MM:SS) and amounts as they are. */
  const asRaw = (line: string): string => {
    const f = line.split(',');
    return [`h${f[0]}`, f[1], `c${f[2]}`, `t${f[3]}`, f[4], f[7]].join(',');
  };

  it.skipIf(!existsSync(HANDBOOK_WEEK))(
    'ingest every row of the handbook simulation’s first week as raw transactions',
    async () => {
      const lines = readFileSync(HANDBOOK_WEEK, 'utf8').split('\n').slice(1).filter(Boolean);
      const s = await h.ingestBytes('handbook.csv', [rawHeader, ...lines.map(asRaw)].join('\n') + '\n', 20_000);
      expect(s).toMatchObject({ format: 'raw', read: 66_976, accepted: 66_976, rejected: 0, duplicates: 0 });
    },
  );
});
