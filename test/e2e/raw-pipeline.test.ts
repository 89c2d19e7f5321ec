// Raw transactions end to end through the CLI: simulated, ingested, sunk, trained on offline features, scored with online ones.
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { tempDir } from '../helpers/tmp.ts';
import { cliJson } from '../helpers/cli.ts';

const dir = tempDir('fraudflow-raw-');
afterAll(() => dir.cleanup());

describe('raw-format pipeline', () => {
  it('trains on behavioural features with the 7-day gap and gives every streamed transaction one verdict', async () => {
    // One score-stream run is to drain the whole topic: its time budget (50 s by default) is not what this proves, and
    // a loaded machine can take longer.
    const env = {
      FRAUDFLOW_DATA_DIR: join(dir.path, 'data'),
      FRAUDFLOW_MAX_EPOCHS: '2',
      FRAUDFLOW_SCORE_STREAM_MAX_SECONDS: '600',
    };
    const file = join(dir.path, 'raw.csv');
    const sim = await cliJson<{ rows: number }>(
      ['generate', '--customers', '300', '--terminals', '400', '--days', '45', '--seed', '3', '--out', file],
      env,
    );
    const [ing] = await cliJson<Array<{ accepted: number; rejected: number; format: string }>>(['ingest', file], env);
    expect(ing).toMatchObject({ accepted: sim.rows, rejected: 0, format: 'raw' });
    await cliJson(['sink'], env);
    const model = await cliJson<{
      promoted: boolean;
      manifest: {
        feature_spec: { name: string };
        data: { gap_seconds: number; train_range: [number, number]; validation_range: [number, number] };
        metrics: { auprc: number; card_precision_at_100: number };
      };
    }>(['retrain', '--models', 'logistic-regression'], env);
    expect(model.promoted).toBe(true);
    expect(model.manifest.feature_spec.name).toBe('raw');
    expect(model.manifest.data.gap_seconds).toBe(7 * 86_400);
    expect(model.manifest.data.validation_range[0] - model.manifest.data.train_range[1]).toBeGreaterThanOrEqual(
      7 * 86_400,
    );
    expect(model.manifest.metrics.card_precision_at_100).toBeGreaterThanOrEqual(0);
    const scored = await cliJson<{ read: number; scored: number; skipped: number; lag_left: number }>(
      ['score-stream'],
      env,
    );
    expect(scored).toMatchObject({ read: sim.rows, scored: sim.rows, skipped: 0, lag_left: 0 });
    await cliJson(['sink'], env);
    const [v] = await cliJson<Array<{ n: number; ids: number }>>(
      [
        'sql',
        "select count(*)::INTEGER as n, count(distinct v.transaction_id)::INTEGER as ids from verdicts v join transactions t on t.transaction_id = v.transaction_id where t.schema_name = 'raw'",
      ],
      env,
    );
    expect(v).toEqual({ n: sim.rows, ids: sim.rows });
  }, 180_000);
});
