// Champion or challenger: only a model strictly better by the margin on the same window is promoted, and the reason says why.
import { describe, expect, it } from 'vitest';
import { decidePromotion } from '../../functions/retrain/promotion.ts';
import { championStack } from '../../shared/model/registry/history.ts';

const kaggle = { name: 'kaggle', version: 1, names: ['a', 'b'] };
const raw = { name: 'raw', version: 1, names: ['x'] };

describe('promotion decision', () => {
  it('promotes the first model when there is no champion', () => {
    expect(decidePromotion({ auprc: 0.1, spec: kaggle, margin: 0.01, champion: null })).toEqual({
      promoted: true,
      reason: 'no champion yet',
      margin: 0.01,
      champion: null,
    });
  });

  it('promotes only when the gain on the same window reaches the margin', () => {
    const champion = { version: 'v1', spec: kaggle, auprcOnWindow: 0.7 };
    const better = decidePromotion({ auprc: 0.72, spec: kaggle, margin: 0.01, champion });
    expect(better).toMatchObject({ promoted: true, margin: 0.01, champion: { version: 'v1', auprc_on_window: 0.7 } });
    expect(better.reason).toMatch(/beats champion v1 \(0\.7000 on the same window\) by 0\.0200/);
    const slightly = decidePromotion({ auprc: 0.705, spec: kaggle, margin: 0.01, champion });
    expect(slightly.promoted).toBe(false);
    expect(slightly.reason).toMatch(/gain 0\.0050 is below the margin 0\.01; kept as challenger/);
    expect(decidePromotion({ auprc: 0.6, spec: kaggle, margin: 0.01, champion }).reason).toMatch(
      /no better; kept as challenger/,
    );
  });

  it('never promotes a tie, even with a zero margin', () => {
    expect(
      decidePromotion({
        auprc: 0.7,
        spec: kaggle,
        margin: 0,
        champion: { version: 'v1', spec: kaggle, auprcOnWindow: 0.7 },
      }).promoted,
    ).toBe(false);
    expect(
      decidePromotion({
        auprc: 0.7001,
        spec: kaggle,
        margin: 0,
        champion: { version: 'v1', spec: kaggle, auprcOnWindow: 0.7 },
      }).promoted,
    ).toBe(true);
  });

  it('keeps a model on other features as a challenger: the two cannot be compared on one window', () => {
    const d = decidePromotion({
      auprc: 0.99,
      spec: raw,
      margin: 0,
      champion: { version: 'v1', spec: kaggle, auprcOnWindow: null },
    });
    expect(d.promoted).toBe(false);
    expect(d.reason).toMatch(/features kaggle v1, this model raw v1: not comparable/);
  });
});

describe('champion history', () => {
  it('replays promotions as pushes and rollbacks as pops', () => {
    const at = '2026-11-25T00:00:00.000Z';
    const h = (version: string, action: 'promote' | 'rollback') => ({ version, at, reason: '', action });
    expect(
      championStack([h('a', 'promote'), h('b', 'promote'), h('c', 'promote'), h('b', 'rollback'), h('a', 'rollback')]),
    ).toEqual(['a']);
    expect(championStack([h('a', 'promote'), h('b', 'promote'), h('a', 'rollback'), h('c', 'promote')])).toEqual([
      'a',
      'c',
    ]);
  });
});
