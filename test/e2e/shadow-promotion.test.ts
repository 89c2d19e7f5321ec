// FRAUDFLOW_PROMOTION=shadow:7d with threshold safety, on a real DuckDB and registry: the challenger takes over only
// after beating the champion on matured live traffic, its threshold kept, recalibrated or refused as configured, and
// the new champion's manifest records why.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tfReady } from '../../shared/model/tf-backend.ts';
import { ObjectStoreRegistry } from '../../shared/model/registry/objectstore/registry.ts';
import { LocalObjectStore } from '../../shared/objectstore/local/local.ts';
import { createRuntime } from '../../shared/runtime.ts';
import { loadConfig } from '../../shared/config.ts';
import { silentLogger } from '../../shared/logger.ts';
import { promoteFromShadow, type ShadowPromotionOptions } from '../../functions/retrain/shadow-promotion.ts';
import { thresholdForVolume } from '../../functions/retrain/threshold-safety.ts';
import { tinyManifest, tinyModel } from '../helpers/model.ts';
import { tempDir } from '../helpers/tmp.ts';
import { challenger, champion, txs, writeLiveTraffic } from '../helpers/live-traffic.ts';
import { main } from '../../cli/main.ts';

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

const options = (o: Partial<ShadowPromotionOptions> = {}): ShadowPromotionOptions => ({
  ...{ days: 7, delayDays: 7, margin: 0.005, minFrauds: 5, maxShift: 0.2, onShift: 'recalibrate' },
  now: new Date(),
  ...o,
});

/** A data dir with the live traffic, champ-1 promoted, and chall-2 trained `ageDays` ago and not promoted. */
async function setup(ageDays = 30) {
  await tfReady();
  const dir = tempDir('fraudflow-shadow-promo-');
  await writeLiveTraffic(dir.path);
  const registry = new ObjectStoreRegistry(new LocalObjectStore(join(dir.path, 'models')));
  await registry.save(tinyManifest('champ-1', { created_at: '2025-01-01T00:00:00.000Z' }), tinyModel([0, 0, 0]));
  await registry.promote('champ-1', 'test');
  const created_at = new Date(Date.now() - ageDays * 86_400_000).toISOString();
  const promotion = { promoted: false, reason: 'shadow first', margin: 0.005, champion: null };
  await registry.save(tinyManifest('chall-2', { created_at, promotion }), tinyModel([0, 0, 1]));
  const rt = createRuntime(loadConfig({ FRAUDFLOW_DATA_DIR: dir.path }), silentLogger);
  const ports = { registry, warehouse: await rt.warehouse(), publisher: null, logger: silentLogger };
  return { dir, registry, ports, close: async () => (await rt.close(), dir.cleanup()) };
}

const matured = (score: (i: number) => number) => Float32Array.from(txs.slice(0, 200), (_, i) => score(i));
const above = (s: Float32Array, t: number) => s.filter((x) => x >= t).length;

describe('shadow promotion', () => {
  it('promotes the challenger that beats the champion on matured traffic, recalibrating a threshold that moves alerts too far', async () => {
    const s = await setup();
    try {
      const d = await promoteFromShadow(s.ports, options());
      expect(d).toMatchObject({ challenger: 'chall-2', champion: 'champ-1', promoted: true, version: 'chall-2.live' });
      expect((await s.registry.champion())!.version).toBe('chall-2.live');
      const m = await s.registry.manifest('chall-2.live');
      const championAlerts = above(matured(champion), 0.5);
      const challengerAlerts = above(matured(challenger), 0.5);
      expect(m.promotion!.live!.threshold).toMatchObject({
        decision: 'recalibrated',
        champion_alerts: championAlerts,
        challenger_alerts: challengerAlerts,
        before: 0.5,
      });
      const sorted = matured(challenger).sort().reverse();
      expect(m.threshold).toBeCloseTo(thresholdForVolume(sorted, championAlerts), 6);
      // At the new threshold the challenger raises the champion's volume (ties at the cut aside).
      expect(above(sorted, m.threshold)).toBeGreaterThanOrEqual(championAlerts);
      expect(sorted.filter((x) => x > m.threshold).length).toBeLessThan(championAlerts);
      expect(m.promotion!.live).toMatchObject({ from_version: 'chall-2', transactions: 200, frauds: 10 });
      expect(m.promotion!.live!.challenger.ap).toBe(1);
      expect(m.promotion!.reason).toContain('threshold recalibrated');
    } finally {
      await s.close();
    }
  });

  it('keeps the threshold when alert volume moves within the allowed share', async () => {
    const s = await setup();
    try {
      // Not better by the margin: kept as challenger.
      expect((await promoteFromShadow(s.ports, options({ margin: 2 })))?.promoted).toBe(false);
      const d = await promoteFromShadow(s.ports, options({ maxShift: 1 }));
      expect(d?.threshold?.decision).toBe('kept');
      expect((await s.registry.manifest('chall-2.live')).threshold).toBe(0.5);
    } finally {
      await s.close();
    }
  });

  it('refuses, by configuration, a challenger whose alert volume would move too far, and the champion stays', async () => {
    const s = await setup();
    try {
      const d = await promoteFromShadow(s.ports, options({ onShift: 'refuse' }));
      expect(d).toMatchObject({ promoted: false, threshold: { decision: 'refused' } });
      expect(d!.reason).toContain('refused');
      expect((await s.registry.champion())!.version).toBe('champ-1');
    } finally {
      await s.close();
    }
  });

  it('records a refused and a lost promotion in the registry, shown by fraudflow models and models decisions', async () => {
    const s = await setup();
    const before = process.env.FRAUDFLOW_DATA_DIR;
    try {
      const at = new Date();
      await promoteFromShadow(s.ports, options({ onShift: 'refuse', now: at }));
      await promoteFromShadow(s.ports, options({ margin: 2, now: new Date(at.getTime() + 1000) }));
      const kept = await s.registry.decisions('chall-2');
      expect(kept.map((d) => d.outcome)).toEqual(['refused', 'lost']);
      expect(kept[0]).toMatchObject({
        version: 'chall-2',
        champion: 'champ-1',
        transactions: 200,
        frauds: 10,
        challenger_figures: { ap: 1 },
        threshold: { decision: 'refused', before: 0.5, after: 0.5 },
      });
      expect(kept[0]!.window!.to).toBe(new Date(at.getTime() - 7 * 86_400_000).toISOString());
      expect(kept[0]!.reason).toContain('refused');
      expect(kept[0]!.rule).toContain('shadow:7d');
      expect(kept[1]!.reason).toContain('below the margin 2');
      // The manifests stay as they were written.
      expect((await s.registry.manifest('chall-2')).promotion!.reason).toBe('shadow first');
      process.env.FRAUDFLOW_DATA_DIR = s.dir.path;
      const listed = await cli(['models']);
      expect(listed.code).toBe(0);
      expect(listed.stdout).toMatch(/chall-2.*lost \d{4}-\d\d-\d\d \(10 frauds\)/);
      const report = await cli(['models', 'decisions', 'chall-2']);
      expect(report.code).toBe(0);
      expect(report.stdout).toContain('refused');
      expect(report.stdout).toContain('below the margin 2');
      const json = JSON.parse((await cli(['models', '--json'])).stdout) as { decisions: unknown[] };
      expect(json.decisions).toHaveLength(2);
    } finally {
      process.env.FRAUDFLOW_DATA_DIR = before;
      if (before === undefined) delete process.env.FRAUDFLOW_DATA_DIR;
      await s.close();
    }
  });

  it('waits while the challenger has not shadowed the whole matured window, or too few frauds have matured', async () => {
    const s = await setup(3);
    try {
      const young = await promoteFromShadow(s.ports, options());
      expect(young).toMatchObject({ promoted: false });
      expect(young!.reason).toMatch(/^shadowing since/);
      // A month on, the matured window holds none of this traffic: too few frauds to judge, still shadowing.
      const later = await promoteFromShadow(s.ports, options({ now: new Date(Date.now() + 30 * 86_400_000) }));
      expect(later).toMatchObject({ promoted: false });
      expect(later!.reason).toContain('fewer than 5 frauds matured');
      expect((await s.registry.champion())!.version).toBe('champ-1');
    } finally {
      await s.close();
    }
  });
});
