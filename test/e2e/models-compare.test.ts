// `fraudflow models compare` on a real DuckDB: champion and shadow verdicts of the same transactions, figures only on
// the window whose labels have matured, with the frauds behind them.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tfReady } from '../../shared/model/tf-backend.ts';
import { ObjectStoreRegistry } from '../../shared/model/registry/objectstore/registry.ts';
import { LocalObjectStore } from '../../shared/objectstore/local/local.ts';
import { createRuntime } from '../../shared/runtime.ts';
import { loadConfig } from '../../shared/config.ts';
import { silentLogger } from '../../shared/logger.ts';
import { gatherReport } from '../../cli/report/data.ts';
import { tinyManifest, tinyModel } from '../helpers/model.ts';
import { tempDir } from '../helpers/tmp.ts';
import { main } from '../../cli/main.ts';
import { averagePrecision } from '../../shared/metrics/ranking.ts';
import type { LiveFigures } from '../../shared/live/compare.ts';
import { challenger, champion, txs, writeLiveTraffic } from '../helpers/live-traffic.ts';

const dir = tempDir('fraudflow-compare-');

async function cli(args: string[]): Promise<{ code: number; stdout: string }> {
  const out: string[] = [];
  const write = process.stdout.write.bind(process.stdout);
  process.stdout.write = ((s: string) => out.push(String(s)) > 0) as typeof process.stdout.write;
  try {
    return { code: await main(['node', 'fraudflow', ...args]), stdout: out.join('') };
  } finally {
    process.stdout.write = write;
  }
}

beforeAll(async () => {
  process.env.FRAUDFLOW_DATA_DIR = dir.path;
  await writeLiveTraffic(dir.path);
  await tfReady();
  const registry = new ObjectStoreRegistry(new LocalObjectStore(join(dir.path, 'models')));
  await registry.save(tinyManifest('champ-1', { created_at: '2025-01-01T00:00:00.000Z' }), tinyModel([0, 0, 0]));
  await registry.promote('champ-1', 'test');
  await registry.save(tinyManifest('chall-2'), tinyModel([0, 0, 1]));
}, 60_000);

afterAll(() => dir.cleanup());

describe('models compare', () => {
  it('gives AP, ROC AUC and CP@k of both versions on matured traffic only, with the frauds behind them', async () => {
    const r = await cli(['models', 'compare', 'champ-1', 'chall-2', '--days', '7', '--json']);
    expect(r.code).toBe(0);
    const { a, b } = JSON.parse(r.stdout) as { a: LiveFigures; b: LiveFigures };
    expect([a.transactions, a.labelled, a.frauds]).toEqual([200, 200, 10]);
    expect([b.transactions, b.frauds]).toEqual([200, 10]);
    const labels = Uint8Array.from(txs.slice(0, 200), (t) => t.label);
    const scores = Float32Array.from(txs.slice(0, 200), (_, i) => champion(i));
    expect(a.ap).toBeCloseTo(averagePrecision(scores, labels), 6);
    expect(b.ap).toBe(1);
    expect(b.roc_auc).toBe(1);
    expect(a.roc_auc!).toBeLessThan(0.8);
    expect(b.card_precision_at_k).not.toBeNull();
    // At its threshold 0.5 the challenger alerts on the 10 frauds and the legit rows scored from 0.5 up.
    const legitHigh = txs.slice(0, 200).filter((t, i) => !t.label && challenger(i) >= 0.5).length;
    expect(b.alerts).toBe(10 + legitHigh);
    expect(b.precision_at_threshold).toBeCloseTo(10 / (10 + legitHigh), 6);
  });

  it('prints a table that names the window and both versions', async () => {
    const r = await cli(['models', 'compare', 'champ-1', 'chall-2']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/live traffic from .* \(labels matured 7 days\)/);
    expect(r.stdout).toContain('champ-1');
    expect(r.stdout).toContain('chall-2');
    expect(r.stdout).toContain('cp@100');
  });

  it('shows the champion beside its shadow challenger on matured traffic in the report', async () => {
    const rt = createRuntime(loadConfig({ FRAUDFLOW_DATA_DIR: dir.path }), silentLogger);
    try {
      const data = await gatherReport(rt);
      expect(data.shadow!.rows.map((r) => [r.version, r.frauds, r.transactions])).toEqual([
        ['champ-1', 10, 200],
        ['chall-2', 10, 200],
      ]);
      expect(data.shadow!.rows[1]!.ap).toBe(1);
    } finally {
      await rt.close();
    }
  });

  it('still lists the versions when run without a subcommand', async () => {
    const r = await cli(['models', '--json']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toHaveProperty('versions');
  });
});
