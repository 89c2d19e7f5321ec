// The whole pipeline through the real CLI, both demo paths: raw (simulated, late labels, second retrain) and Kaggle-format.
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { tempDir } from '../helpers/tmp.ts';
import { cli, cliJson } from '../helpers/cli.ts';

const dir = tempDir('fraudflow-demo-');
afterAll(() => dir.cleanup());

interface Figures {
  version: string;
  promoted: boolean;
  reason: string;
  auprc: number;
  roc_auc: number;
  card_precision_at_100: number;
}

interface RawSummary {
  format: 'raw';
  simulation: { history: { rows: number; to: string }; live: { rows: number; from: string; to: string } };
  history: { accepted: number; inserted: number };
  first: Figures;
  backfill: { recorded: number };
  live: { accepted: number; scored: { scored: number; lag_left: number }; verdicts_sunk: number };
  labels: { review: number; chargeback: number; confirmed: number; inserted: number; applied_online: number };
  second: Figures;
  live_figures: { model_version: string; verdicts: number; unlabelled: number } & Omit<Figures, 'version'>;
  table: Array<{ figures: string; AP: number; roc_auc: number; 'CP@100': number }>;
  report: string;
}

interface KaggleSummary {
  format: 'kaggle';
  ingest: { accepted: number };
  model: { version: string; promoted: boolean; metrics: { auprc: number } };
  scored: { scored: number; fraud: number; review: number; legit: number; lag_left: number };
  verdicts: { verdicts: number; tp: number; fp: number; fn: number; precision: number; recall: number };
}

const count = async (sql: string, env: Record<string, string>) =>
  (await cliJson<Array<{ n: number }>>(['sql', sql], env))[0]!.n;

describe('demo pipeline', () => {
  const rawEnv = { FRAUDFLOW_DATA_DIR: join(dir.path, 'raw'), FRAUDFLOW_MAX_EPOCHS: '2' };

  it('by default scores the unlabelled live days once each, lands the late labels and retrains again', async () => {
    const s = await cliJson<RawSummary>(['demo', '--rows', '24000'], rawEnv);
    const live = s.simulation.live.rows;
    expect(s.format).toBe('raw');
    expect(s.history.inserted).toBe(s.simulation.history.rows);
    expect(s.first.promoted).toBe(true);
    expect(s.backfill.recorded).toBeGreaterThan(0);
    expect(s.live).toMatchObject({ accepted: live, scored: { scored: live, lag_left: 0 }, verdicts_sunk: live });
    // One verdict per live transaction, none for the history, and the live rows reached the warehouse unlabelled.
    const verdicts = await cliJson<Array<{ n: number; ids: number; history: number }>>(
      [
        'sql',
        `select count(*)::INTEGER as n, count(distinct v.transaction_id)::INTEGER as ids,
          count(*) filter (where t.tx_datetime < TIMESTAMP '${s.simulation.live.from} 00:00:00')::INTEGER as history
        from verdicts v join transactions t on t.transaction_id = v.transaction_id`,
      ],
      rawEnv,
    );
    expect(verdicts[0]).toEqual({ n: live, ids: live, history: 0 });
    expect(await count(`select count(*)::INTEGER as n from transactions where label is null`, rawEnv)).toBe(live);
    // The late labels: one per live transaction, in the warehouse and applied to the online state.
    expect(s.labels.review + s.labels.chargeback + s.labels.confirmed).toBe(live);
    expect(s.labels).toMatchObject({ inserted: live, applied_online: live });
    expect(await count(`select count(distinct transaction_id)::INTEGER as n from labels`, rawEnv)).toBe(live);
    expect(s.labels.review).toBeGreaterThan(0);
    // The second retrain's decision is on record in the registry, with its reason.
    const models = await cliJson<{
      champion: { version: string };
      versions: Array<{ version: string; promotion: { promoted: boolean; reason: string } }>;
    }>(['models'], rawEnv);
    const second = models.versions.find((m) => m.version === s.second.version)!;
    expect(second.promotion).toMatchObject({ promoted: s.second.promoted, reason: s.second.reason });
    expect(models.champion.version).toBe(s.second.promoted ? s.second.version : s.first.version);
    expect(s.second.reason.length).toBeGreaterThan(10);
    // Measured figures, not a perfect separation.
    expect(s.live_figures).toMatchObject({ model_version: s.first.version, verdicts: live, unlabelled: 0 });
    for (const f of [s.first, s.second, s.live_figures]) {
      expect(f.auprc).toBeGreaterThan(0);
      expect(f.auprc).toBeLessThan(1);
      expect(f.roc_auc).toBeGreaterThan(0.5);
      expect(f.roc_auc).toBeLessThan(1);
      expect(f.card_precision_at_100).toBeGreaterThanOrEqual(0);
    }
    expect(s.table.map((r) => r.figures)).toHaveLength(3);
    for (const r of s.table) expect(r.AP).toBeLessThan(1);
  }, 300_000);

  it('refuses to run again on a data directory that holds an earlier run', async () => {
    const r = await cli(['demo', '--rows', '24000', '--json'], rawEnv);
    expect(r.code).toBe(2);
    expect(JSON.parse(r.stderr).error.code).toBe('CONFIG_INVALID');
  }, 60_000);

  it('with --format kaggle gives every live transaction exactly one verdict against the labels', async () => {
    const env = { FRAUDFLOW_DATA_DIR: join(dir.path, 'kaggle'), FRAUDFLOW_MAX_EPOCHS: '2' };
    const s = await cliJson<KaggleSummary>(['demo', '--format', 'kaggle', '--rows', '25000'], env);
    expect(s.format).toBe('kaggle');
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

  it('refuses a CSV together with --format raw, and an unknown format, as usage errors', async () => {
    const env = { FRAUDFLOW_DATA_DIR: join(dir.path, 'usage') };
    for (const args of [
      ['demo', 'x.csv', '--format', 'raw'],
      ['demo', '--format', 'parquet'],
      ['demo', '--rows', '1e4'],
    ]) {
      const r = await cli([...args, '--json'], env);
      expect(r.code, args.join(' ')).toBe(2);
      expect(JSON.parse(r.stderr).error.code).toBe('USAGE');
    }
  }, 60_000);
});
