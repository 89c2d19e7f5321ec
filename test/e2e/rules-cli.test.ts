// `fraudflow rules backtest | publish | list` through the real CLI on a DuckDB warehouse holding a replayed history.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli, cliJson } from '../helpers/cli.ts';
import { tempDir } from '../helpers/tmp.ts';
import { tfReady } from '../../shared/model/tf-backend.ts';
import { DuckDbWarehouse } from '../../shared/warehouse/duckdb/duckdb.ts';
import { ObjectStoreRegistry } from '../../shared/model/registry/objectstore/registry.ts';
import { LocalObjectStore } from '../../shared/objectstore/local/local.ts';
import { EmbeddedEventLog } from '../../shared/eventlog/embedded/embedded.ts';
import { RulesFile } from '../../shared/scoring/rules/schema.ts';
import { ruleSetOf } from '../../shared/scoring/rules/ruleset.ts';
import type { Backtest } from '../../shared/scoring/rules/backtest.ts';
import type { RulesManifest } from '../../shared/scoring/rules/registry.ts';
import type { Verdict } from '../../shared/schema/verdict.ts';
import { rawEnvelopes, replayHistory, rulesHistory, saveRawChampion, sinkVerdicts } from '../helpers/rules-history.ts';

const dir = tempDir('fraudflow-rules-cli-');
const env = { FRAUDFLOW_DATA_DIR: dir.path };
const RULES = {
  rules: [
    { name: 'big-amount', action: 'block', when: { field: 'amount', op: '>', value: 500 } },
    { name: 'busy-customer', action: 'review', when: { field: 'customer_id_nb_tx_7day_window', op: '>=', value: 4 } },
  ],
  lists: { allow: { customer_id: ['c3'] } },
};
const file = join(dir.path, 'rules.json');
const history = rulesHistory(500, 25, 11);
let verdicts: Verdict[];

beforeAll(async () => {
  await tfReady();
  writeFileSync(file, JSON.stringify(RULES));
  const models = join(dir.path, 'models');
  await saveRawChampion(new ObjectStoreRegistry(new LocalObjectStore(models)));
  const log = new EmbeddedEventLog({ path: join(dir.path, 'replay-log.sqlite') });
  verdicts = await replayHistory(history, ruleSetOf(RulesFile.parse(RULES), 'file'), models, log);
  await log.close();
  const w = await DuckDbWarehouse.open(join(dir.path, 'warehouse.duckdb'));
  await w.ensureTables();
  await w.appendEnvelopes('transactions', 'raw', rawEnvelopes(history));
  await sinkVerdicts(w, verdicts);
  await w.close();
}, 120_000);

afterAll(() => dir.cleanup());

describe('fraudflow rules', () => {
  it('backtest reports per rule what the rules fired live on the same transactions', async () => {
    const report = await cliJson<Backtest>(['rules', 'backtest', file, '--days', '10'], env);
    const day = new Map(history.map((t) => [t.transaction_id, t.tx_datetime.slice(0, 10)]));
    const inPeriod = verdicts.filter((v) => day.get(v.transaction_id)! >= report.from_day);
    expect(report.days_with_transactions).toBe(10);
    expect(report.transactions).toBe(inPeriod.length);
    for (const r of report.rules)
      expect(r.fired, r.name).toBe(inPeriod.filter((v) => v.rules?.some((f) => f.name === r.name)).length);
    expect(report.rules.map((r) => r.name)).toEqual(['allow-list:customer_id', 'big-amount', 'busy-customer']);
    expect(report.rules.every((r) => r.fired > 0)).toBe(true);
  });

  it('backtest prints a table with a row per rule and the total', async () => {
    const r = await cli(['rules', 'backtest', file, '--days', '10'], env);
    expect(r.code).toBe(0);
    const lines = r.stdout.split('\n');
    const header = lines.find((l) => /^rule\s+action/.test(l))!;
    expect(header.split(/\s+/)).toEqual([
      'rule',
      'action',
      'fired',
      'per_day',
      'peak_day',
      'frauds',
      'precision',
      'recall',
      'duplicates',
      'adds',
      'added_frauds',
    ]);
    for (const name of ['allow-list:customer_id', 'big-amount', 'busy-customer', '(all rules)'])
      expect(lines.some((l) => l.startsWith(name))).toBe(true);
  });

  it('refuses a rules file naming a field outside the whitelist, exit 3, the field named', async () => {
    const bad = join(dir.path, 'bad.json');
    writeFileSync(
      bad,
      JSON.stringify({
        rules: [{ name: 'x', action: 'block', when: { field: 'amount; DROP TABLE transactions', op: '>', value: 1 } }],
      }),
    );
    const r = await cli(['rules', 'backtest', bad], env);
    expect(r.code).toBe(3);
    expect(r.stderr).toContain('is not a raw field');
    expect(r.stderr).toContain('rules.0.when.field');
    expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace
  });

  it('publish makes a version in force, list marks it, and publishing the same file again adds none', async () => {
    const first = await cliJson<RulesManifest>(['rules', 'publish', file], env);
    expect(first.version).toMatch(/^rules-\d{8}T\d{6}Z-[0-9a-f]{8}$/);
    expect(first).toMatchObject({ rules: 2, list_entries: 1, format: 'raw' });
    expect((await cliJson<RulesManifest>(['rules', 'publish', file], env)).version).toBe(first.version);
    const list = await cliJson<{ current: { version: string }; versions: RulesManifest[] }>(['rules', 'list'], env);
    expect(list.current.version).toBe(first.version);
    expect(list.versions.map((v) => v.version)).toEqual([first.version]);
  });
});
