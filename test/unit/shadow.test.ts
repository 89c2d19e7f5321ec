// Which version shadows the champion, which rows it can score, and that its failure never reaches the champion's answer.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EmbeddedEventLog } from '../../shared/eventlog/embedded/embedded.ts';
import { createLogger, silentLogger } from '../../shared/logger.ts';
import { RAW_FEATURES } from '../../shared/features/raw/spec.ts';
import { MemoryFeatureState } from '../../shared/features/raw/memory-state.ts';
import { autoShadowVersion, RegistryShadowSource } from '../../shared/model/shadow.ts';
import { columnMap } from '../../shared/scoring/shadow.ts';
import { sampled, ShadowScoring } from '../../shared/scoring/shadow-scoring.ts';
import { scoreRawTransactions } from '../../shared/scoring/score.ts';
import { topicSpecs, TOPICS } from '../../shared/topics.ts';
import { tinyManifest, tinyModel } from '../helpers/model.ts';
import { championWith } from '../adversarial/champion.ts';
import { tempDir } from '../helpers/tmp.ts';

const m = (version: string, promoted?: boolean) =>
  tinyManifest(
    version,
    promoted === undefined ? {} : { promotion: { promoted, reason: '', margin: 0, champion: null } },
  );
const pointer = (version: string, history: string[] = [version]) => ({
  version,
  history: history.map((v) => ({ version: v, at: '2026-01-01T00:00:00.000Z', reason: '', action: 'promote' as const })),
});

describe('shadow challenger choice', () => {
  it('auto picks the newest version trained after the champion that was not promoted', () => {
    const list = [m('a'), m('b', false), m('c'), m('d', false), m('e', true)];
    expect(autoShadowVersion(list, pointer('c', ['a', 'c']))).toBe('d');
    // A version that once served as champion (rolled back since) is not a candidate.
    expect(autoShadowVersion(list, pointer('b', ['a', 'd', 'b']))).toBe('c');
    expect(autoShadowVersion(list, pointer('e'))).toBeNull();
    expect(autoShadowVersion([m('x', false)], null)).toBe('x');
  });

  it('maps the challenger onto the rows by feature name, and refuses another spec or a missing feature', () => {
    const rows = { name: 'raw', names: ['a', 'b', 'c'] };
    expect(columnMap({ name: 'raw', version: 2, names: ['c', 'a'] }, rows)).toEqual([2, 0]);
    expect(columnMap({ name: 'raw', version: 2, names: ['a', 'z'] }, rows)).toBeNull();
    expect(columnMap({ name: 'kaggle', version: 1, names: ['a'] }, rows)).toBeNull();
  });

  it('samples a stable share of HTTP calls by transaction id', () => {
    const ids = Array.from({ length: 2000 }, (_, i) => `tx-${i}`);
    const share = ids.filter((id) => sampled(id, 0.25)).length / ids.length;
    expect(share).toBeGreaterThan(0.2);
    expect(share).toBeLessThan(0.3);
    expect(ids.every((id) => sampled(id, 0.25) === sampled(id, 0.25))).toBe(true);
    expect(ids.filter((id) => sampled(id, 0)).length).toBe(0);
    expect(ids.every((id) => sampled(id, 1))).toBe(true);
  });
});

describe('shadow failure', () => {
  it('a challenger that cannot load leaves the champion verdicts published and logs why', async () => {
    const dir = tempDir('fraudflow-shadow-fail-');
    const { endpoint, registry } = await championWith(dir.path, 'raw-1', RAW_FEATURES, { tx_amount: 0.02 }, -3);
    const log = new EmbeddedEventLog({ path: join(dir.path, 'log.sqlite') });
    for (const s of topicSpecs(1)) await log.ensureTopic(s);
    const lines: string[] = [];
    const logger = createLogger({ level: 'WARNING', write: (l: string) => void lines.push(l) });
    const shadow = new ShadowScoring({
      source: new RegistryShadowSource(registry, { kind: 'version', version: 'no-such-version' }),
      publish: async (messages) => void (await log.produce(TOPICS.verdictsShadow, messages)),
      logger,
    });
    const txs = [1, 2].map((i) => ({
      transaction_id: `f-${i}`,
      tx_datetime: '2026-03-02T12:00:00Z',
      customer_id: 'c1',
      terminal_id: 't1',
      amount: 100 * i,
    }));
    const verdicts = await scoreRawTransactions(
      txs,
      {
        model: endpoint,
        eventLog: log,
        logger: silentLogger,
        features: new MemoryFeatureState(),
        shadow: shadow.stream,
      },
      { reviewRatio: 0.5, fallbackVerdict: 'review', reasons: 0, source: 'test' },
    );
    expect(verdicts.map((v) => [v.model_version, v.fallback])).toEqual([
      ['raw-1', undefined],
      ['raw-1', undefined],
    ]);
    const count = async (topic: string) =>
      (await log.describeTopic(topic)).partitions.reduce((n, p) => n + p.highWatermark, 0);
    expect(await count(TOPICS.verdicts)).toBe(2);
    expect(await count(TOPICS.verdictsShadow)).toBe(0);
    expect(shadow.stats).toEqual({ published: 0, failed: 1 });
    expect(lines.join('\n')).toContain('shadow: scoring the challenger failed');
    // A challenger of another feature spec is skipped with one warning; one of the same spec scores the rows.
    await registry.save(tinyManifest('kaggle-9'), tinyModel([0, 0, 0]));
    await registry.save(
      tinyManifest('raw-2', { feature_spec: RAW_FEATURES }),
      tinyModel(RAW_FEATURES.names.map(() => 0)),
    );
    for (const version of ['kaggle-9', 'raw-2']) {
      const other = new ShadowScoring({
        source: new RegistryShadowSource(registry, { kind: 'version', version }),
        publish: async (messages) => void (await log.produce(TOPICS.verdictsShadow, messages)),
        logger,
      });
      await scoreRawTransactions(
        txs.map((t) => ({ ...t, transaction_id: `${t.transaction_id}-${version}` })),
        {
          model: endpoint,
          eventLog: log,
          logger: silentLogger,
          features: new MemoryFeatureState(),
          shadow: other.stream,
        },
        { reviewRatio: 0.5, fallbackVerdict: 'review', reasons: 0, source: 'test' },
      );
      expect(other.stats).toEqual({ published: version === 'raw-2' ? 2 : 0, failed: 0 });
    }
    expect(lines.join('\n')).toContain('the challenger takes features these rows do not hold');
    expect(await count(TOPICS.verdictsShadow)).toBe(2);
    await log.close();
    dir.cleanup();
  });
});

describe('shadow promotion settings', () => {
  it('reads FRAUDFLOW_PROMOTION=shadow:7d and the threshold guard, and refuses another grammar', async () => {
    const { loadConfig } = await import('../../shared/config.ts');
    expect(loadConfig({}).promotion).toEqual({ shadowDays: null, thresholdMaxShift: 0.2, onShift: 'recalibrate' });
    const c = loadConfig({ FRAUDFLOW_PROMOTION: 'shadow:7d', FRAUDFLOW_THRESHOLD_ON_SHIFT: 'refuse' });
    expect(c.promotion).toMatchObject({ shadowDays: 7, onShift: 'refuse' });
    expect(() => loadConfig({ FRAUDFLOW_PROMOTION: 'shadow:7' })).toThrow(/FRAUDFLOW_PROMOTION/);
    expect(loadConfig({ FRAUDFLOW_SHADOW: 'off' }).shadow.choice).toEqual({ kind: 'off' });
  });

  it('with a shadow period, a model that beats the champion on validation waits as a challenger', async () => {
    const { shadowGate } = await import('../../functions/retrain/shadow-promotion.ts');
    const won = { promoted: true, reason: 'AUPRC beats', margin: 0, champion: { version: 'a', auprc_on_window: 0.1 } };
    expect(shadowGate(won, undefined)).toBe(won);
    expect(shadowGate(won, 7)).toMatchObject({ promoted: false });
    expect(shadowGate(won, 7).reason).toContain('shadow:7d');
    expect(shadowGate({ ...won, champion: null }, 7).promoted).toBe(true);
  });
});
