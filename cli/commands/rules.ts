// `fraudflow rules publish | list | backtest`: the rules beside the model, for operators.
import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import type { RuntimeFactory } from '../main.ts';
import { table } from '../output.ts';
import { positiveInt } from '../args.ts';
import { FraudflowError } from '../../shared/errors.ts';
import type { Backtest, RuleBacktest } from '../../shared/scoring/rules/backtest.ts';
import type { RulesFile } from '../../shared/scoring/rules/schema.ts';

async function readRules(path: string): Promise<RulesFile> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    throw new FraudflowError('FILE_UNREADABLE', `cannot read the rules file ${path}`, { path }, { cause: e });
  }
  // The rules' grammar (zod) is loaded when a rules command runs, not by every command's start.
  const { parseRulesFile } = await import('../../shared/scoring/rules/registry.ts');
  return parseRulesFile(text, path);
}

const r3 = (v: number | null) => (v === null ? '' : v.toFixed(3));

function rows(report: Backtest): object[] {
  const row = (r: RuleBacktest) => ({
    rule: r.name,
    action: r.action,
    fired: r.fired,
    per_day: r.alerts_per_day.toFixed(1),
    peak_day: r.peak_day ? `${r.peak_day.day} (${r.peak_day.fired})` : '',
    frauds: r.frauds,
    precision: r3(r.precision),
    recall: r3(r.recall),
    duplicates: r.duplicates,
    adds: r.adds,
    added_frauds: r.added_frauds,
  });
  return [...report.rules.map(row), row(report.all)];
}

export function printBacktest(report: Backtest): string {
  const c = report.champion;
  return [
    `rules ${report.rules_version} (${report.format}) on ${report.warehouse}: ${report.from_day} .. ${report.to_day}, ` +
      `${report.days_with_transactions} days with transactions`,
    `transactions ${report.transactions}, labelled ${report.labelled}, frauds ${report.frauds}; ` +
      `champion flagged ${c.flagged} (frauds ${c.frauds}, recall ${r3(c.recall)})`,
    '',
    table(rows(report)),
    '',
    'duplicates: fired where the champion flagged too (fraud or review); adds: fired where it did not.',
  ].join('\n');
}

export function registerRules(program: Command, runtime: RuntimeFactory): void {
  const rules = program
    .command('rules')
    .description('rules beside the model: publish a rules file, list versions, backtest');
  registerPublish(rules, runtime);
  registerList(rules, runtime);
  registerBacktest(rules, runtime);
}

function registerPublish(rules: Command, runtime: RuntimeFactory): void {
  rules
    .command('publish')
    .description('validate a rules file and make it the rules version in force (scorers pick it up within seconds)')
    .argument(
      '<file>',
      'rules JSON: {"rules": [{"name", "action": "block|review|allow", "when": {...}}], "lists": {...}}',
    )
    .option('--reason <text>', 'why, kept in the rules history', 'published by an operator')
    .option('--json', 'print the version manifest as JSON')
    .action(async (file: string, opts: { reason: string; json?: boolean }) => {
      const manifest = await runtime()
        .rules()
        .publish(await readRules(file), opts.reason);
      process.stdout.write(
        opts.json
          ? JSON.stringify(manifest, null, 2) + '\n'
          : `rules in force: ${manifest.version} (${manifest.rules} rules, ${manifest.list_entries} list entries, sha256 ${manifest.hash.slice(0, 12)})\n`,
      );
    });
}

function registerList(rules: Command, runtime: RuntimeFactory): void {
  rules
    .command('list')
    .description('list rules versions, the one in force marked')
    .option('--json', 'print the pointer (with its history) and every manifest as JSON')
    .action(async (opts: { json?: boolean }) => {
      const registry = runtime().rules();
      const [list, pointer] = await Promise.all([registry.list(), registry.pointer()]);
      if (opts.json)
        return void process.stdout.write(JSON.stringify({ current: pointer, versions: list }, null, 2) + '\n');
      process.stdout.write(
        table(
          list.map((m) => ({
            version: m.version,
            status: m.version === pointer?.version ? 'in force' : '',
            format: m.format,
            rules: m.rules,
            list_entries: m.list_entries,
            sha256: m.hash.slice(0, 12),
            created_at: m.created_at,
          })),
        ) + '\n',
      );
    });
}

function registerBacktest(rules: Command, runtime: RuntimeFactory): void {
  rules
    .command('backtest')
    .description(
      "run a rules file over the warehouse's history in SQL: alerts a day, precision, recall, overlap with the champion",
    )
    .argument('<file>', 'rules JSON (as for publish)')
    .option('--days <n>', 'the last n days of history (ending on the day of the newest transaction)', positiveInt, 30)
    .option('--json', 'print the report as JSON')
    .action(async (file: string, opts: { days: number; json?: boolean }) => {
      const [{ ruleSetOf }, { backtestRules }] = await Promise.all([
        import('../../shared/scoring/rules/ruleset.ts'),
        import('../../shared/scoring/rules/backtest.ts'),
      ]);
      const set = ruleSetOf(await readRules(file), 'file');
      const report = await backtestRules(set, await runtime().warehouse(), { days: opts.days });
      process.stdout.write((opts.json ? JSON.stringify(report, null, 2) : printBacktest(report)) + '\n');
    });
}
