// `fraudflow models compare` on a real DuckDB: champion and shadow verdicts of the same transactions, figures only on
// the window whose labels have matured, with the frauds behind them.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../helpers/tmp.ts';
import { main } from '../../cli/main.ts';
import { createRuntime } from '../../shared/runtime.ts';
import { loadConfig } from '../../shared/config.ts';
import { silentLogger } from '../../shared/logger.ts';
import { contentId } from '../../shared/schema/formats.ts';
import { verdictMessages } from '../../shared/scoring/score.ts';
import { shadowMessages } from '../../shared/scoring/shadow.ts';
import type { Verdict } from '../../shared/schema/verdict.ts';
import { averagePrecision } from '../../shared/metrics/ranking.ts';
import type { LiveFigures } from '../../shared/live/compare.ts';

const dir = tempDir('fraudflow-compare-');
const DAY = 86_400_000;
const now = Date.now();
/** 200 matured transactions (10 days ago, every 20th a fraud) and 50 recent ones (2 days ago) that must not count. */
const txs = Array.from({ length: 250 }, (_, i) => ({
  transaction_id: `cmp-${i}`,
  tx_datetime: new Date(now - (i < 200 ? 10 : 2) * DAY + i * 60_000).toISOString().replace(/\.\d+Z$/, 'Z'),
  customer_id: `c${i % 37}`,
  terminal_id: 't1',
  amount: 10 + i,
  label: (i % 20 === 0 ? 1 : 0) as 0 | 1,
}));
// The champion ranks frauds poorly (a saw tooth), the challenger well.
const champion = (i: number) => ((i * 37) % 100) / 100;
const challenger = (i: number) => (txs[i]!.label ? 0.8 + (i % 7) / 100 : 0.1 + (i % 50) / 100);

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
  const rt = createRuntime(loadConfig({ FRAUDFLOW_DATA_DIR: dir.path }), silentLogger);
  const w = await rt.warehouse();
  await w.ensureTables();
  const at = new Date(now).toISOString();
  const verdict = (i: number, version: string, p: number): Verdict => ({
    transaction_id: txs[i]!.transaction_id,
    customer_id: txs[i]!.customer_id,
    probability: p,
    verdict: p >= 0.5 ? 'fraud' : 'legit',
    threshold: 0.5,
    model_version: version,
    reasons: [],
    scored_at: at,
  });
  const buffers = (ms: Array<{ value: string | Uint8Array }>) => ms.map((m) => Buffer.from(m.value as string));
  const envelopes = txs.map((t, i) =>
    JSON.stringify({
      id: contentId(`raw/1:${t.transaction_id}`),
      ...{ schema: { name: 'raw', version: 1 }, source: { file: 'in.csv', line: i + 2 } },
      ingested_at: at,
      payload: t,
    }),
  );
  await w.appendEnvelopes(
    'transactions',
    'raw',
    envelopes.map((e) => Buffer.from(e)),
  );
  const champ = txs.map((_, i) => verdict(i, 'champ-1', champion(i)));
  await w.appendEnvelopes('verdicts', 'verdict', buffers(verdictMessages(champ, 'test', at)));
  const shadow = txs.map((_, i) => ({ ...verdict(i, 'chall-2', challenger(i)), role: 'shadow' as const }));
  await w.appendEnvelopes('shadow_verdicts', 'verdict', buffers(shadowMessages(shadow, 'test', at)));
  await rt.close();
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

  it('still lists the versions when run without a subcommand', async () => {
    const r = await cli(['models', '--json']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toHaveProperty('versions');
  });
});
