// Live traffic in a real DuckDB for shadow tests: 250 raw transactions with labels, a champion's verdicts and a shadow's.
import { createRuntime } from '../../shared/runtime.ts';
import { loadConfig } from '../../shared/config.ts';
import { silentLogger } from '../../shared/logger.ts';
import { contentId } from '../../shared/schema/formats.ts';
import { verdictMessages } from '../../shared/scoring/score.ts';
import { shadowMessages } from '../../shared/scoring/shadow.ts';
import type { Verdict } from '../../shared/schema/verdict.ts';
import type { Warehouse } from '../../shared/warehouse/port.ts';

const DAY = 86_400_000;
const now = Date.now();
/** 200 matured transactions (10 days ago, every 20th a fraud) and 50 recent ones (2 days ago) that must not count. */
export const txs = Array.from({ length: 250 }, (_, i) => ({
  transaction_id: `cmp-${i}`,
  tx_datetime: new Date(now - (i < 200 ? 10 : 2) * DAY + i * 60_000).toISOString().replace(/\.\d+Z$/, 'Z'),
  customer_id: `c${i % 37}`,
  terminal_id: 't1',
  amount: 10 + i,
  label: (i % 20 === 0 ? 1 : 0) as 0 | 1,
}));
// The champion ranks frauds poorly (a saw tooth), the challenger well.
export const champion = (i: number) => ((i * 37) % 100) / 100;
export const challenger = (i: number) => (txs[i]!.label ? 0.8 + (i % 7) / 100 : 0.1 + (i % 50) / 100);

/** Writes the transactions, `champ-1`'s verdicts and `chall-2`'s shadow verdicts into the DuckDB under `dataDir`. */
export async function writeLiveTraffic(dataDir: string): Promise<void> {
  const rt = createRuntime(loadConfig({ FRAUDFLOW_DATA_DIR: dataDir }), silentLogger);
  try {
    await writeLiveTrafficTo(await rt.warehouse());
  } finally {
    await rt.close();
  }
}

/** The same traffic into any warehouse (DuckDB, BigQuery through the local REST server). */
export async function writeLiveTrafficTo(w: Warehouse): Promise<void> {
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
}
