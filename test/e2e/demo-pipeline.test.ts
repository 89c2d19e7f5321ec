// The whole pipeline through the real CLI: ingest, sink, retrain, live transactions scored, verdicts in the warehouse.
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { tempDir } from '../helpers/tmp.ts';
import { cliJson } from '../helpers/cli.ts';

const dir = tempDir('fraudflow-demo-');
afterAll(() => dir.cleanup());

interface DemoSummary {
  ingest: { accepted: number };
  model: { version: string; promoted: boolean; metrics: { auprc: number } };
  scored: { scored: number; fraud: number; review: number; legit: number; lag_left: number };
  verdicts: { verdicts: number; tp: number; fp: number; fn: number; precision: number; recall: number };
}

describe('demo pipeline', () => {
  it('gives every live transaction exactly one verdict and reports their precision and recall against the labels', async () => {
    const env = { FRAUDFLOW_DATA_DIR: join(dir.path, 'data'), FRAUDFLOW_MAX_EPOCHS: '2' };
    const s = await cliJson<DemoSummary>(['demo', '--rows', '25000'], env);
    expect(s.ingest.accepted).toBe(20_000);
    expect(s.model.promoted).toBe(true);
    expect(s.scored).toMatchObject({ scored: 5000, lag_left: 0 });
    expect(s.scored.fraud + s.scored.review + s.scored.legit).toBe(5000);
    expect(s.verdicts.verdicts).toBe(5000);
    const ids = await cliJson<Array<{ n: number; ids: number }>>(
      ['sql', 'select count(*)::INTEGER as n, count(distinct transaction_id)::INTEGER as ids from verdicts'],
      env,
    );
    expect(ids[0]).toEqual({ n: 5000, ids: 5000 });
    expect(s.verdicts.precision).toBeGreaterThan(0);
    expect(s.verdicts.recall).toBeGreaterThan(0);
  }, 180_000);
});
