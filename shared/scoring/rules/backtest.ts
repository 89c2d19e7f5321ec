// The rules backtest core: (rule set, warehouse, days) -> per rule and in total, alerts a day, precision and recall
// against the labels, and what each adds to or duplicates of the champion's flags. All counting is in the warehouse.
import { FraudflowError } from '../../errors.ts';
import { queryAll, type Row, type Warehouse } from '../../warehouse/port.ts';
import { backtestSql, RULE_COUNTS, type BacktestPeriod } from './backtest-sql.ts';
import type { RuleSet } from './ruleset.ts';
import type { RuleAction } from './schema.ts';

export interface RuleBacktest {
  readonly name: string;
  /** The rule's action; `alert` for the total (a block or review fired and no allow). */
  readonly action: RuleAction | 'alert';
  readonly fired: number;
  /** Frauds among them (labels as the warehouse knows them now). */
  readonly frauds: number;
  readonly alerts_per_day: number;
  readonly peak_day: { readonly day: string; readonly fired: number } | null;
  /** Frauds among the labelled transactions it fired on (null when none was labelled). */
  readonly precision: number | null;
  /** Its share of the period's frauds (null when there were none). */
  readonly recall: number | null;
  /** Fired where the champion flagged too (fraud or review): what it duplicates. */
  readonly duplicates: number;
  /** Fired where the champion did not: what it adds; `added_frauds` of those are frauds. */
  readonly adds: number;
  readonly added_frauds: number;
}

export interface Backtest {
  readonly rules_version: string;
  readonly format: RuleSet['format'];
  readonly warehouse: string;
  /** First and last day of the period (raw: UTC dates; Kaggle: `day N` of Time). */
  readonly from_day: string;
  readonly to_day: string;
  readonly days_with_transactions: number;
  readonly transactions: number;
  readonly labelled: number;
  readonly frauds: number;
  readonly champion: { readonly flagged: number; readonly frauds: number; readonly recall: number | null };
  readonly rules: RuleBacktest[];
  readonly all: RuleBacktest;
}

const DAY_MS = 86_400_000;
const num = (v: unknown): number => (v === null || v === undefined ? 0 : Number(v));
const ratio = (a: number, b: number) => (b === 0 ? null : a / b);
const isoDate = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/** The last `days` calendar days that end on the day of the newest transaction in the rules' format. */
async function periodOf(warehouse: Warehouse, set: RuleSet, days: number): Promise<BacktestPeriod | null> {
  const raw = set.format === 'raw';
  const time = raw ? 'tx_datetime' : warehouse.dialect.ident('Time');
  const [row] = await queryAll(
    warehouse,
    `SELECT max(${time}) AS last FROM transactions WHERE schema_name = '${set.format}'`,
  );
  const last = row?.last;
  if (last === null || last === undefined) return null;
  if (!raw) {
    const day = Math.floor(Number(last) / 86_400);
    return { from: (day - days + 1) * 86_400, to: (day + 1) * 86_400 };
  }
  const lastMs = last instanceof Date ? last.getTime() : Date.parse(`${String(last).replace(' ', 'T')}Z`);
  const dayStart = Math.floor(lastMs / DAY_MS) * DAY_MS;
  return {
    from: new Date(dayStart - (days - 1) * DAY_MS).toISOString(),
    to: new Date(dayStart + DAY_MS).toISOString(),
  };
}

function summarise(name: string, action: RuleBacktest['action'], rows: readonly Row[], key: string, frauds: number) {
  const c = Object.fromEntries(RULE_COUNTS.map((k) => [k, rows.reduce((s, r) => s + num(r[`${key}_${k}`]), 0)]));
  let peak: RuleBacktest['peak_day'] = null;
  for (const r of rows) {
    const f = num(r[`${key}_fired`]);
    if (f > 0 && (!peak || f > peak.fired)) peak = { day: dayName(r.day), fired: f };
  }
  return {
    name,
    action,
    fired: c.fired!,
    frauds: c.frauds!,
    alerts_per_day: rows.length ? c.fired! / rows.length : 0,
    peak_day: peak,
    precision: ratio(c.frauds!, c.labelled!),
    recall: ratio(c.frauds!, frauds),
    duplicates: c.duplicates!,
    adds: c.fired! - c.duplicates!,
    added_frauds: c.added_frauds!,
  };
}

const dayName = (v: unknown) => (typeof v === 'string' ? v : `day ${num(v)}`);

export async function backtestRules(set: RuleSet, warehouse: Warehouse, options: { days: number }): Promise<Backtest> {
  if (!Number.isSafeInteger(options.days) || options.days < 1 || options.days > 3660)
    throw new FraudflowError(
      'INPUT_INVALID',
      `--days: expected a whole number of days from 1 to 3660, got ${options.days}`,
    );
  const period = await periodOf(warehouse, set, options.days);
  if (!period)
    throw new FraudflowError(
      'INPUT_INVALID',
      `rules backtest: the warehouse holds no ${set.format}-format transactions to replay the rules over (the rules file says format ${set.format})`,
    );
  const rows = await queryAll(warehouse, backtestSql(warehouse.dialect, set, period));
  const total = (k: string) => rows.reduce((s, r) => s + num(r[k]), 0);
  const frauds = total('frauds');
  const edge = (v: string | number, end: boolean) =>
    typeof v === 'number'
      ? `day ${Math.floor(v / 86_400) - (end ? 1 : 0)}`
      : isoDate(Date.parse(v) - (end ? DAY_MS : 0));
  return {
    rules_version: set.version,
    format: set.format,
    warehouse: warehouse.kind,
    from_day: edge(period.from, false),
    to_day: edge(period.to, true),
    days_with_transactions: rows.length,
    transactions: total('n'),
    labelled: total('labelled'),
    frauds,
    champion: {
      flagged: total('champion'),
      frauds: total('champion_frauds'),
      recall: ratio(total('champion_frauds'), frauds),
    },
    rules: set.rules.map((r, i) => summarise(r.name, r.action, rows, `r${i}`, frauds)),
    all: summarise('(all rules)', 'alert', rows, 'r_all', frauds),
  };
}
