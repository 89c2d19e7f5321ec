// The rules backtest in SQL agrees with the rules run live: the history replayed through the TS scorer gives the same
// counts per rule as the backtest query, on a DuckDB file and on BigQuery (the official client, a local server).
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fakeAuth } from '../helpers/fake-auth.ts';
import { startFakeBigQuery, type FakeBigQuery } from '../helpers/fake-bigquery.ts';
import { tempDir } from '../helpers/tmp.ts';
import { BigQueryWarehouse } from '../../shared/warehouse/bigquery/bigquery.ts';
import { DuckDbWarehouse } from '../../shared/warehouse/duckdb/duckdb.ts';
import type { Warehouse } from '../../shared/warehouse/port.ts';
import { ObjectStoreRegistry } from '../../shared/model/registry/objectstore/registry.ts';
import { LocalObjectStore } from '../../shared/objectstore/local/local.ts';
import { EmbeddedEventLog } from '../../shared/eventlog/embedded/embedded.ts';
import { tfReady } from '../../shared/model/tf-backend.ts';
import { RulesFile } from '../../shared/scoring/rules/schema.ts';
import { ruleSetOf } from '../../shared/scoring/rules/ruleset.ts';
import { backtestRules, type Backtest } from '../../shared/scoring/rules/backtest.ts';
import type { Verdict } from '../../shared/schema/verdict.ts';
import type { RawTransaction } from '../../shared/schema/raw.ts';
import { kaggleRecords } from '../../shared/synth/kaggle.ts';
import { contentId } from '../../shared/schema/formats.ts';
import { firedRules, kaggleRuleValues } from '../../shared/scoring/rules/evaluate.ts';
import { rawEnvelopes, replayHistory, rulesHistory, saveRawChampion, sinkVerdicts } from '../helpers/rules-history.ts';

const dir = tempDir('fraudflow-rules-backtest-');
export const BACKTEST_RULES = RulesFile.parse({
  rules: [
    { name: 'big-amount', action: 'block', when: { field: 'amount', op: '>', value: 700 } },
    { name: 'busy-customer', action: 'review', when: { field: 'customer_id_nb_tx_1day_window', op: '>=', value: 3 } },
    { name: 'risky-terminal', action: 'review', when: { field: 'terminal_id_risk_7day_window', op: '>', value: 0.2 } },
    {
      name: 'night-spend',
      action: 'block',
      when: {
        all: [
          { field: 'tx_during_night', op: '==', value: 1 },
          {
            any: [
              { field: 'customer_id_avg_amount_7day_window', op: '>=', value: 180.5 },
              { field: 'amount', op: '>', value: 600 },
            ],
          },
        ],
      },
    },
    {
      name: 'weekend-terminals',
      action: 'review',
      when: {
        all: [
          { field: 'tx_weekday', op: 'in', value: [0, 6] },
          { not: { field: 'terminal_id', op: 'in', value: ['t0', 't1', 't2'] } },
        ],
      },
    },
    {
      name: 'trusted-small',
      action: 'allow',
      when: {
        all: [
          { field: 'customer_id', op: '==', value: 'c7' },
          { field: 'amount', op: '<', value: 50 },
        ],
      },
    },
    {
      name: 'quiet-terminal',
      action: 'review',
      when: { field: 'terminal_id_nb_tx_30day_window', op: '<=', value: 118 },
    },
  ],
  lists: { allow: { customer_id: ['c3'] }, block: { terminal_id: ['t5'] } },
});
const SET = ruleSetOf(BACKTEST_RULES, 'file');
const DAYS = 20;

let fake: FakeBigQuery;
const warehouses = {} as Record<'duckdb' | 'bigquery', Warehouse>;
let history: RawTransaction[];
let verdicts: Verdict[];

beforeAll(async () => {
  await tfReady();
  history = rulesHistory();
  const models = join(dir.path, 'models');
  await saveRawChampion(new ObjectStoreRegistry(new LocalObjectStore(models)));
  const log = new EmbeddedEventLog({ path: join(dir.path, 'eventlog.sqlite') });
  verdicts = await replayHistory(history, SET, models, log);
  await log.close();
  fake = await startFakeBigQuery('proj');
  warehouses.bigquery = new BigQueryWarehouse({
    projectId: 'proj',
    dataset: 'fraudflow',
    location: 'EU',
    apiEndpoint: fake.url,
    authClient: fakeAuth('proj'),
  });
  warehouses.duckdb = await DuckDbWarehouse.open(join(dir.path, 'w.duckdb'));
  for (const w of Object.values(warehouses)) {
    await w.ensureTables();
    await w.appendEnvelopes('transactions', 'raw', rawEnvelopes(history));
    await sinkVerdicts(w, verdicts);
    await w.appendEnvelopes(
      'transactions',
      'kaggle',
      KAGGLE.map((row, i) => kaggleEnvelope(row, i)),
    );
  }
}, 120_000);

const KAGGLE = [...kaggleRecords(800, 4)];
const kaggleEnvelope = (payload: object, i: number) =>
  Buffer.from(
    JSON.stringify({
      id: contentId(`k${i}`),
      schema: { name: 'kaggle', version: 1 },
      source: { file: 'k.csv', line: i + 2 },
      ingested_at: '2026-11-25T00:00:00Z',
      payload,
    }),
  );
const KAGGLE_SET = ruleSetOf(
  RulesFile.parse({
    format: 'kaggle',
    rules: [
      { name: 'v14-low', action: 'block', when: { field: 'V14', op: '<', value: -1 } },
      {
        name: 'big',
        action: 'review',
        when: {
          any: [
            { field: 'Amount', op: '>', value: 150 },
            { field: 'V4', op: '>=', value: 1.5 },
          ],
        },
      },
      { name: 'no-customer', action: 'allow', when: { not: { field: 'customer_id', op: '==', value: 'c1' } } },
    ],
  }),
  'file',
);

afterAll(async () => {
  for (const w of Object.values(warehouses)) await w?.close();
  await fake?.close();
  dir.cleanup();
});

/** What the live verdicts say, per rule, over the backtest's period: the same counts the backtest reports. */
function liveCounts(report: Backtest) {
  const byId = new Map(history.map((t) => [t.transaction_id, t]));
  const inPeriod = verdicts.filter((v) => {
    const day = byId.get(v.transaction_id)!.tx_datetime.slice(0, 10);
    return day >= report.from_day && day <= report.to_day;
  });
  const label = (v: Verdict) => byId.get(v.transaction_id)!.label;
  const flagged = (v: Verdict) => !v.fallback && v.model_verdict !== 'legit';
  const count = (fired: (v: Verdict) => boolean) => {
    const hit = inPeriod.filter(fired);
    return {
      fired: hit.length,
      frauds: hit.filter((v) => label(v) === 1).length,
      duplicates: hit.filter(flagged).length,
      added_frauds: hit.filter((v) => !flagged(v) && label(v) === 1).length,
    };
  };
  const has = (v: Verdict, name: string) => (v.rules ?? []).some((r) => r.name === name);
  const acts = (v: Verdict, a: string) => (v.rules ?? []).some((r) => r.action === a);
  return {
    transactions: inPeriod.length,
    frauds: inPeriod.filter((v) => label(v) === 1).length,
    champion: inPeriod.filter(flagged).length,
    rules: SET.rules.map((r) => count((v) => has(v, r.name))),
    all: count((v) => !acts(v, 'allow') && (acts(v, 'block') || acts(v, 'review'))),
  };
}

const pick = (r: Backtest['all']) => ({
  fired: r.fired,
  frauds: r.frauds,
  duplicates: r.duplicates,
  added_frauds: r.added_frauds,
});

describe.each(['duckdb', 'bigquery'] as const)('rules backtest on %s', (kind) => {
  it('counts per rule what the live scorer fired on the same transactions', async () => {
    const report = await backtestRules(SET, warehouses[kind], { days: DAYS });
    const live = liveCounts(report);
    expect(report.days_with_transactions).toBe(DAYS);
    expect(report.transactions).toBe(live.transactions);
    expect(report.labelled).toBe(live.transactions); // every history row carries a label
    expect(report.frauds).toBe(live.frauds);
    expect(report.champion.flagged).toBe(live.champion);
    expect(report.rules.map(pick)).toEqual(live.rules);
    expect(pick(report.all)).toEqual(live.all);
    // Every rule fires somewhere, and the rules both add to and duplicate the champion's flags.
    for (const r of report.rules) expect(r.fired, r.name).toBeGreaterThan(0);
    expect(report.all.adds).toBeGreaterThan(0);
    expect(report.all.duplicates).toBeGreaterThan(0);
    expect(report.all.recall).toBe(live.all.frauds / live.frauds);
  });

  it('gives the same report as the other warehouse', async () => {
    const [a, b] = [
      await backtestRules(SET, warehouses.duckdb, { days: DAYS }),
      await backtestRules(SET, warehouses[kind], { days: DAYS }),
    ];
    expect({ ...b, warehouse: '' }).toEqual({ ...a, warehouse: '' });
  });
});

describe.each(['duckdb', 'bigquery'] as const)('Kaggle-format rules backtest on %s', (kind) => {
  it('counts per rule what the TS evaluator fires on the same rows of the last day of Time', async () => {
    const report = await backtestRules(KAGGLE_SET, warehouses[kind], { days: 1 });
    const lastDay = Math.floor(Math.max(...KAGGLE.map((r) => r.Time)) / 86_400);
    const rows = KAGGLE.filter((r) => Math.floor(r.Time / 86_400) === lastDay);
    const fired = rows.map((r) => firedRules(KAGGLE_SET, kaggleRuleValues(r)).map((f) => f.name));
    expect(report.to_day).toBe(`day ${lastDay}`);
    expect(report.transactions).toBe(rows.length);
    expect(report.frauds).toBe(rows.filter((r) => r.Class === 1).length);
    expect(report.rules.map((r) => r.fired)).toEqual(
      KAGGLE_SET.rules.map((r) => fired.filter((f) => f.includes(r.name)).length),
    );
    expect(report.rules.every((r) => r.fired > 0)).toBe(true);
    expect(report.all.fired).toBe(0); // every row has no customer: the allow rule lets all through
    expect(report.champion.flagged).toBe(0);
  });
});
