// A raw history for rules tests, its envelopes, a real raw champion, and its replay through the TS scorer in time order.
import { contentId } from '../../shared/schema/formats.ts';
import type { RawTransaction } from '../../shared/schema/raw.ts';
import { tinyManifest, tinyModel } from './model.ts';
import { Random } from '../../shared/synth/random.ts';
import { RAW_FEATURES } from '../../shared/features/raw/spec.ts';
import { ObjectStoreRegistry } from '../../shared/model/registry/objectstore/registry.ts';
import type { ModelRegistry } from '../../shared/model/registry/port.ts';
import { LocalModelEndpoint } from '../../shared/model/local/local.ts';
import { LocalObjectStore } from '../../shared/objectstore/local/local.ts';
import { MemoryFeatureState } from '../../shared/features/raw/memory-state.ts';
import { scoreRawTransactions, verdictMessages } from '../../shared/scoring/score.ts';
import type { EventLog } from '../../shared/eventlog/port.ts';
import type { Verdict } from '../../shared/schema/verdict.ts';
import type { RuleSet } from '../../shared/scoring/rules/ruleset.ts';
import { createLogger } from '../../shared/logger.ts';
import type { Warehouse } from '../../shared/warehouse/port.ts';
import { TOPICS } from '../../shared/topics.ts';

const START = Date.parse('2026-03-01T00:00:00Z');

/** `n` raw transactions over `days` days, 25 customers on 8 terminals, some at the very same second, ~6% fraud. */
export function rulesHistory(n = 1500, days = 45, seed = 7): RawTransaction[] {
  const rnd = new Random(seed);
  const out: RawTransaction[] = [];
  for (let i = 0; i < n; i++) {
    const previous = out[out.length - 1];
    // Every 40th transaction shares its predecessor's second and customer: ties the ordering must settle alike.
    const tie = previous !== undefined && i % 40 === 0;
    const ms = tie ? Date.parse(previous.tx_datetime) : START + Math.floor(rnd.next() * days * 86_400) * 1000;
    const terminal = rnd.int(0, 8);
    out.push({
      transaction_id: `tx-${String(i).padStart(5, '0')}`,
      tx_datetime: new Date(ms).toISOString().replace('.000Z', 'Z'),
      customer_id: tie ? previous.customer_id : `c${rnd.int(0, 25)}`,
      terminal_id: `t${terminal}`,
      amount: Math.round(rnd.uniform(1, terminal === 3 ? 900 : 250) * 100) / 100,
      label: rnd.next() < (terminal === 3 ? 0.3 : 0.03) ? 1 : 0,
    });
  }
  return out.sort((a, b) =>
    a.tx_datetime === b.tx_datetime
      ? a.transaction_id < b.transaction_id
        ? -1
        : 1
      : Date.parse(a.tx_datetime) - Date.parse(b.tx_datetime),
  );
}

export const rawEnvelopes = (txs: readonly RawTransaction[]) =>
  txs.map((t, i) =>
    Buffer.from(
      JSON.stringify({
        id: contentId(`raw/1:${t.transaction_id}`),
        schema: { name: 'raw', version: 1 },
        source: { file: 'history.csv', line: i + 2 },
        ingested_at: '2026-11-25T00:00:00Z',
        payload: t,
      }),
    ),
  );

/** A raw-format champion whose score rises with the amount (fraud above 150, review above 100 at ratio 0.5... about). */
export async function saveRawChampion(registry: ModelRegistry, version = 'raw-m1'): Promise<void> {
  const weights = RAW_FEATURES.names.map((_, i) => (i === 0 ? 0.02 : 0));
  await registry.save(tinyManifest(version, { feature_spec: RAW_FEATURES }), tinyModel(weights, -3));
  await registry.promote(version, 'test');
}

/**
 * The history through the live scorer, in time order, with the rules in force: each transaction's label reaches the
 * state right after its verdict (a label feed with no delay; the terminal windows end 7 days back, so what they see
 * is the final label, as the backtest's SQL reads it). Verdicts are published to `log` and returned.
 */
export async function replayHistory(
  txs: readonly RawTransaction[],
  set: RuleSet,
  models: string,
  log: EventLog,
): Promise<Verdict[]> {
  await log.ensureTopic({ name: TOPICS.verdicts, partitions: 1 });
  const features = new MemoryFeatureState();
  const ports = {
    model: new LocalModelEndpoint(new ObjectStoreRegistry(new LocalObjectStore(models))),
    eventLog: log,
    features,
    logger: createLogger({ level: 'ERROR' }),
    rules: { current: async () => set },
    now: () => new Date('2026-11-30T00:00:00Z'),
  };
  const options = { reviewRatio: 0.5, fallbackVerdict: 'review' as const, reasons: 0, source: 'replay' };
  const out: Verdict[] = [];
  for (const tx of txs) {
    const { label, ...unlabelled } = tx;
    out.push(...(await scoreRawTransactions([unlabelled], ports, options)));
    if (label !== undefined) await features.setLabel(tx.transaction_id, label);
  }
  return out;
}

/** The replay's verdicts into a warehouse's verdicts table, as the sink would write them. */
export async function sinkVerdicts(w: Warehouse, verdicts: readonly Verdict[]): Promise<void> {
  const messages = verdictMessages(verdicts, 'replay', '2026-11-30T00:00:00Z');
  await w.appendEnvelopes(
    'verdicts',
    'verdict',
    messages.map((m) => Buffer.from(m.value as string)),
  );
}
