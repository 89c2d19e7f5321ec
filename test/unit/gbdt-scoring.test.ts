// A trained forest scores the same compiled, looped and walked, survives its JSON form, and explains each row exactly.
import { describe, expect, it } from 'vitest';
import { trainGbdt } from '../../shared/model/gbdt/boost.ts';
import { forestScorer } from '../../shared/model/gbdt/compile.ts';
import { attribute, explainForest } from '../../shared/model/gbdt/contributions.ts';
import { ForestJson, forestFromJson, forestToJson, walkMargins } from '../../shared/model/gbdt/forest.ts';
import { Random } from '../../shared/synth/random.ts';

const WIDTH = 5;
const rnd = new Random(11);
const x = Float32Array.from({ length: 4000 * WIDTH }, () => rnd.normal());
const y = Uint8Array.from({ length: 4000 }, (_, r) =>
  x[r * WIDTH]! + x[r * WIDTH + 3]! * x[r * WIDTH + 1]! > 1.2 ? 1 : 0,
);
const { forest } = trainGbdt(x, y, WIDTH, { rounds: 25, earlyStoppingRounds: 0 });
// Fresh rows, a NaN and infinities among them (they must go the same way in every form).
const rows = Float32Array.from({ length: 500 * WIDTH }, () => rnd.normal() * 2);
rows[3] = Number.NaN;
rows[7] = Number.POSITIVE_INFINITY;
rows[12] = Number.NEGATIVE_INFINITY;
const names = ['a', 'b', 'c', 'd', 'e'];

describe('gbdt scoring', () => {
  it('scores bit for bit the same compiled to code, as a loop over flat arrays, and by the tree walk', () => {
    const compiled = forestScorer(forest);
    const looped = forestScorer(forest, { compile: false });
    expect(compiled.isCompiled).toBe(true);
    expect(looped.isCompiled).toBe(false);
    const walked = walkMargins(forest, rows);
    expect([...compiled.margins(rows)]).toEqual([...walked]);
    expect([...looped.margins(rows)]).toEqual([...walked]);
    expect([...compiled.predict(rows)]).toEqual([...looped.predict(rows)]);
  });

  it('reads back from its JSON form to the same scores', () => {
    const json = ForestJson.parse(JSON.parse(JSON.stringify(forestToJson(forest))));
    expect([...walkMargins(forestFromJson(json), rows)]).toEqual([...walkMargins(forest, rows)]);
  });

  it('rejects a stored tree whose child points back or past its end', () => {
    const json = forestToJson(forest);
    const broken = { ...json, trees: [{ ...json.trees[0]!, left: json.trees[0]!.left.map((l) => (l > 0 ? 0 : l)) }] };
    expect(() => forestFromJson(broken)).toThrow(/children must follow/);
    const wide = { ...json, width: 1 };
    expect(() => forestFromJson(wide)).toThrow(/outside width/);
  });

  it('splits each margin into a bias and per-feature contributions that add up to it', () => {
    const margins = walkMargins(forest, rows);
    const bias = forest.baseMargin + forest.trees.reduce((s, t) => s + t.value[0]!, 0);
    const used = new Set(forest.trees.flatMap((t) => [...t.feature].filter((f) => f >= 0)));
    for (let r = 0; r < 500; r++) {
      const a = attribute(forest, rows, r * WIDTH);
      expect(a.bias).toBeCloseTo(bias, 12);
      expect(a.bias + a.contributions.reduce((s, v) => s + v, 0)).toBeCloseTo(margins[r]!, 10);
      // Features no tree splits on get nothing.
      for (let f = 0; f < WIDTH; f++) if (!used.has(f)) expect(a.contributions[f]).toBe(0);
    }
  });

  it('gives as reasons the top-k features by contribution, largest first, the label-driving ones on top', () => {
    const reasons = explainForest(forest, rows, names, 3);
    expect(reasons).toHaveLength(500);
    for (const r of reasons) {
      expect(r).toHaveLength(3);
      for (let i = 1; i < r.length; i++) expect(r[i]!.contribution).toBeLessThanOrEqual(r[i - 1]!.contribution);
    }
    // The label depends on a, b, d only: for the highest-scored rows, the top reason is one of them.
    const margins = walkMargins(forest, rows);
    const top = [...margins.keys()].sort((p, q) => margins[q]! - margins[p]!).slice(0, 20);
    for (const r of top) expect(['a', 'b', 'd']).toContain(reasons[r]![0]!.feature);
  });
});
