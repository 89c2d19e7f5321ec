// Card precision by kind of fraud: hand-worked found/missed tallies, and the found totals equal to cardPrecisionTopK's.
import { describe, expect, it } from 'vitest';
import { cardPrecisionByKind } from '../../shared/metrics/card-precision-misses.ts';
import { cardPrecisionTopK } from '../../shared/metrics/card-precision.ts';
import { Random } from '../../shared/synth/random.ts';

describe('card precision by kind of fraud', () => {
  it('tallies found and missed compromised cards per day and kind, found cards leaving later days', () => {
    // k = 1. Day 0: card 1 (kind 2, score .9) beats card 2 (kind 3, .5) and card 3 (genuine, .4).
    // Day 1: card 1 again (found on day 0: gone), card 2 (kind 3, .2) loses to card 3 (genuine, .8).
    // Card 4 on day 1 has two frauds of kinds 1 and 3 (.1): its kind is 3, missed.
    const rows = {
      day: [0, 0, 0, 1, 1, 1, 1, 1],
      card: [1, 2, 3, 1, 2, 3, 4, 4],
      score: [0.9, 0.5, 0.4, 0.99, 0.2, 0.8, 0.1, 0.05],
      label: [1, 1, 0, 1, 1, 0, 1, 1],
      kind: [2, 3, 0, 2, 3, 0, 1, 3],
    };
    expect(cardPrecisionByKind(rows, 1)).toEqual([
      { day: 0, kind: 2, compromised: 1, found: 1 },
      { day: 0, kind: 3, compromised: 1, found: 0 },
      { day: 1, kind: 3, compromised: 2, found: 0 },
    ]);
  });

  it("finds per day as many compromised cards as cardPrecisionTopK's precision times k", () => {
    const r = new Random(7);
    const n = 3000;
    const rows = {
      day: Array.from({ length: n }, () => Math.floor(r.next() * 5)),
      card: Array.from({ length: n }, () => Math.floor(r.next() * 400)),
      score: Array.from({ length: n }, () => Math.round(r.next() * 50) / 50),
      label: Array.from({ length: n }, () => (r.next() < 0.08 ? 1 : 0)),
      kind: Array.from({ length: n }, () => 1 + Math.floor(r.next() * 3)),
    };
    const tallies = cardPrecisionByKind(rows, 20);
    const reference = cardPrecisionTopK(rows, 20);
    expect(reference.perDay.length).toBe(5);
    for (const d of reference.perDay) {
      const mine = tallies.filter((t) => t.day === d.day);
      expect(mine.reduce((s, t) => s + t.found, 0)).toBe(Math.round(d.precision * 20));
      expect(mine.reduce((s, t) => s + t.compromised, 0)).toBe(d.compromisedCards);
    }
  });

  it('rejects a non-finite score as cardPrecisionTopK does', () => {
    expect(() => cardPrecisionByKind({ day: [0], card: [1], score: [Number.NaN], label: [1], kind: [1] })).toThrow(
      /score of card 1/,
    );
  });
});
