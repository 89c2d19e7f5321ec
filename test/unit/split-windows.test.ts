// The Handbook's protocol split: whole UTC day windows ending at a chosen day, and known-compromised cards out of each test day.
import { describe, expect, it } from 'vitest';
import { simulateDays } from '../../shared/simulator/generate.ts';
import { txEpochMs } from '../../shared/schema/raw.ts';
import {
  UNLABELLED,
  dayNumber,
  dayOfText,
  dayText,
  windowDays,
  windowSplit,
  type CardHistory,
} from '../../functions/retrain/split.ts';

function history(days: number, seed: number) {
  const rows = [...simulateDays({ customers: 300, terminals: 200, days, seed, startDate: '2026-03-01' })].flat();
  const ids = new Map<string, number>();
  const h: CardHistory = {
    time: Float64Array.from(rows, (r) => txEpochMs(r.tx_datetime) / 1000),
    labels: Uint8Array.from(rows, (r) => r.label),
    cards: Uint32Array.from(rows, (r) => ids.get(r.customer_id) ?? (ids.set(r.customer_id, ids.size), ids.size - 1)),
  };
  return h;
}

/** The Handbook's get_train_test_set, transcribed row by row over plain arrays (no binary search, no sets reused). */
function handbook(h: CardHistory, startDay: number, dTrain: number, dDelay: number, dTest: number) {
  const day = (i: number) => dayNumber(h.time[i]!);
  const n = h.time.length;
  const train = [...Array(n).keys()].filter((i) => day(i) >= startDay && day(i) < startDay + dTrain);
  const known = new Set(train.filter((i) => h.labels[i] === 1).map((i) => h.cards[i]!));
  const test: number[] = [];
  for (let d = 0; d < dTest; d++) {
    const testDay = startDay + dTrain + dDelay + d;
    const passed = startDay + dTrain + d - 1;
    for (let i = 0; i < n; i++) if (day(i) === passed && h.labels[i] === 1) known.add(h.cards[i]!);
    for (let i = 0; i < n; i++) if (day(i) === testDay && !known.has(h.cards[i]!)) test.push(i);
  }
  return { train, test };
}

describe('day-window split', () => {
  it('gives train 07-25..07-31, delay 08-01..08-07, test 08-08..08-14 for 7/7/7 ending 2018-08-14', () => {
    const d = windowDays({ trainDays: 7, delayDays: 7, testDays: 7 }, dayOfText('2018-08-14'));
    expect([d.trainStart, d.delayStart - 1, d.delayStart, d.testStart - 1, d.testStart, d.end].map(dayText)).toEqual([
      '2018-07-25',
      '2018-07-31',
      '2018-08-01',
      '2018-08-07',
      '2018-08-08',
      '2018-08-14',
    ]);
    // Shifted back by a test length, as a prequential fold is.
    expect(dayText(windowDays({ trainDays: 7, delayDays: 7, testDays: 7 }, dayOfText('2018-08-14'), 7).end)).toBe(
      '2018-08-07',
    );
    expect(() => dayOfText('2018-02-30')).toThrow(/expected a date/);
  });

  it("keeps exactly the Handbook's training and test rows, known-compromised cards removed day by day", () => {
    const h = history(40, 5);
    const start = dayNumber(h.time[0]!);
    for (const [train, delay, test, offset] of [
      [7, 7, 7, 10],
      [5, 3, 4, 20],
      [10, 0, 2, 3],
    ] as const) {
      const d = windowDays(
        { trainDays: train, delayDays: delay, testDays: test },
        start + offset + train + delay + test - 1,
      );
      expect(d.trainStart).toBe(start + offset);
      const ours = windowSplit(h, d);
      const theirs = handbook(h, start + offset, train, delay, test);
      expect(Array.from(ours.train)).toEqual(theirs.train);
      expect(Array.from(ours.test)).toEqual(theirs.test);
      const all = [...Array(h.time.length).keys()].filter(
        (i) => dayNumber(h.time[i]!) >= d.testStart && dayNumber(h.time[i]!) <= d.end,
      );
      expect(ours.removedKnownCompromised).toBe(all.length - theirs.test.length);
      expect(ours.removedKnownCompromised).toBeGreaterThan(0); // the removal was exercised
    }
  });

  it('leaves rows without a label out of training and test, and learns compromised cards only from known frauds', () => {
    const h = history(30, 9);
    const labels = h.labels.slice();
    for (let i = 0; i < labels.length; i += 10) labels[i] = UNLABELLED;
    const d = windowDays({ trainDays: 7, delayDays: 7, testDays: 7 }, dayNumber(h.time[h.time.length - 1]!));
    const s = windowSplit({ ...h, labels }, d);
    expect([...s.train, ...s.test].every((i) => labels[i] !== UNLABELLED)).toBe(true);
    expect(s.train.length).toBeGreaterThan(0);
    // A card whose only training fraud lost its label is no longer known: it may stay in the test rows.
    const known = new Set([...s.train].filter((i) => labels[i] === 1).map((i) => h.cards[i]!));
    expect([...s.test].filter((i) => dayNumber(h.time[i]!) === d.testStart).some((i) => known.has(h.cards[i]!))).toBe(
      false,
    );
  });
});
