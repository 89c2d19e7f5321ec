// The backtest's one query: the history's rule fields in SQL (raw features by the window definitions of
// features/raw/windows.ts), every rule compiled, counts per day against the labels and the champion's flags.
import type { SqlDialect } from '../../warehouse/dialect.ts';
import { DELAY_DAYS, WINDOWS_DAYS } from '../../features/raw/spec.ts';
import { PCA_COLUMNS } from '../../schema/kaggle.ts';
import { conditionSql } from './sql.ts';
import type { RuleSet } from './ruleset.ts';

/** The history a backtest reads: rows with time in [from, to); raw features look back from the earliest further. */
export interface BacktestPeriod {
  /** Raw: ISO date-times; Kaggle: seconds of `Time`. */
  readonly from: string | number;
  readonly to: string | number;
}

/** Per rule i: fired, fired and labelled, fired and fraud, fired and flagged by the champion, fired, unflagged, fraud. */
export const RULE_COUNTS = ['fired', 'labelled', 'frauds', 'duplicates', 'added_frauds'] as const;

const LONGEST = WINDOWS_DAYS[WINDOWS_DAYS.length - 1]!;
const ts = (iso: string) => `TIMESTAMP '${iso.slice(0, 19).replace('T', ' ')}'`;
const count = (cond: string) => `SUM(CASE WHEN ${cond} THEN 1 ELSE 0 END)`;

/** Labels that arrived later override the one a row came with; the latest per transaction wins (as retraining). */
const latestLabels = (d: SqlDialect) =>
  `SELECT transaction_id, ${d.latest('label', 'labelled_at')} AS label FROM labels GROUP BY transaction_id`;

/** The champion's flag per transaction: its own verdict (before any rules) was fraud or review; fallbacks are not its. */
const championFlags = (d: SqlDialect) =>
  `SELECT transaction_id, ${d.latest('mv', 'scored_at')} AS v FROM (SELECT transaction_id, scored_at, ` +
  `COALESCE(model_verdict, verdict) AS mv FROM verdicts WHERE COALESCE(fallback, FALSE) = FALSE) GROUP BY transaction_id`;

/** Raw rows in the period with their rule fields: transaction fields, then the 15 raw features under their spec names. */
function rawFields(d: SqlDialect, p: BacktestPeriod): string {
  const from = ts(String(p.from));
  const lookBack = d.minusDays(from, LONGEST + DELAY_DAYS + 1);
  const w = WINDOWS_DAYS.map((days, i) => ({ days, i }));
  const cust = w.flatMap(({ days, i }) => {
    const inside = `p.ts > ${d.minusDays('s.ts', days)}`;
    return [`${count(inside)} AS cn${i}`, `SUM(CASE WHEN ${inside} THEN p.cents ELSE 0 END) AS cc${i}`];
  });
  const term = w.flatMap(({ days, i }) => {
    const inside = `p.ts > ${d.minusDays('s.ts', DELAY_DAYS + days)}`;
    return [`${count(inside)} AS tn${i}`, `${count(`${inside} AND p.label = 1`)} AS tf${i}`];
  });
  const feature = (name: string) => d.ident(name);
  const features = [
    `s.amount AS ${feature('tx_amount')}`,
    `CASE WHEN CAST(${d.formatTimestamp('s.ts', '%w')} AS INTEGER) IN (0, 6) THEN 1 ELSE 0 END AS ${feature('tx_during_weekend')}`,
    `CASE WHEN CAST(${d.formatTimestamp('s.ts', '%H')} AS INTEGER) <= 6 THEN 1 ELSE 0 END AS ${feature('tx_during_night')}`,
    ...w.flatMap(({ days, i }) => [
      `1 + c.cn${i} AS ${feature(`customer_id_nb_tx_${days}day_window`)}`,
      `(s.cents + c.cc${i}) / (1 + c.cn${i}) / 100 AS ${feature(`customer_id_avg_amount_${days}day_window`)}`,
    ]),
    ...w.flatMap(({ days, i }) => [
      `t.tn${i} AS ${feature(`terminal_id_nb_tx_${days}day_window`)}`,
      `CASE WHEN t.tn${i} = 0 THEN 0 ELSE t.tf${i} / t.tn${i} END AS ${feature(`terminal_id_risk_${days}day_window`)}`,
    ]),
  ];
  // One row per transaction id (the feature state records an id once), the first ingested.
  return `dedup AS (SELECT transaction_id, tx_datetime, customer_id, terminal_id, ${d.ident('Amount')} AS amount, label,
      ROW_NUMBER() OVER (PARTITION BY transaction_id ORDER BY ingested_at, id) AS rn
      FROM transactions WHERE schema_name = 'raw' AND tx_datetime >= ${lookBack} AND tx_datetime < ${ts(String(p.to))}),
    src AS (SELECT x.transaction_id AS tx_id, x.tx_datetime AS ts, x.customer_id, x.terminal_id, x.amount,
      CAST(ROUND(x.amount * 100) AS INTEGER) AS cents, COALESCE(l.label, x.label) AS label
      FROM dedup x LEFT JOIN lab l ON l.transaction_id = x.transaction_id WHERE x.rn = 1),
    cust AS (SELECT s.tx_id, ${cust.join(', ')} FROM src s LEFT JOIN src p ON p.customer_id = s.customer_id
      AND p.ts > ${d.minusDays('s.ts', LONGEST)} AND (p.ts < s.ts OR (p.ts = s.ts AND p.tx_id < s.tx_id))
      WHERE s.ts >= ${from} GROUP BY s.tx_id),
    term AS (SELECT s.tx_id, ${term.join(', ')} FROM src s LEFT JOIN src p ON p.terminal_id = s.terminal_id
      AND p.ts <= ${d.minusDays('s.ts', DELAY_DAYS)} AND p.ts > ${d.minusDays('s.ts', DELAY_DAYS + LONGEST)}
      WHERE s.ts >= ${from} GROUP BY s.tx_id),
    fields AS (SELECT s.tx_id, s.label, ${d.formatTimestamp('s.ts', '%Y-%m-%d')} AS day, s.amount, s.customer_id,
      s.terminal_id, CAST(${d.formatTimestamp('s.ts', '%H')} AS INTEGER) AS tx_hour,
      CAST(${d.formatTimestamp('s.ts', '%w')} AS INTEGER) AS tx_weekday, ${features.join(', ')}
      FROM src s JOIN cust c ON c.tx_id = s.tx_id JOIN term t ON t.tx_id = s.tx_id)`;
}

/** Kaggle rows in the period (by `Time`): their columns as they are; the day is whole days of `Time`. */
function kaggleFields(d: SqlDialect, p: BacktestPeriod): string {
  const q = (c: string) => `x.${d.ident(c)}`;
  const cols = ['Time', ...PCA_COLUMNS, 'Amount'].map((c) => `${q(c)} AS ${d.ident(c)}`);
  return `fields AS (SELECT x.id AS tx_id, COALESCE(l.label, ${q('Class')}) AS label,
      CAST(FLOOR(${q('Time')} / 86400) AS INTEGER) AS day, x.customer_id, ${cols.join(', ')}
      FROM transactions x LEFT JOIN lab l ON l.transaction_id = x.id
      WHERE x.schema_name = 'kaggle' AND ${q('Time')} >= ${Number(p.from)} AND ${q('Time')} < ${Number(p.to)})`;
}

/** The backtest query: one row per day with n, labelled, frauds, champion, champion_frauds and RULE_COUNTS per rule. */
export function backtestSql(d: SqlDialect, set: RuleSet, p: BacktestPeriod): string {
  const column = (field: string) => `f.${d.ident(field)}`;
  const fired = set.rules.map((r, i) => `CASE WHEN ${conditionSql(r.when, column)} THEN 1 ELSE 0 END AS r${i}`);
  const any = (action: string) => {
    const hits = set.rules.flatMap((r, i) => (r.action === action ? [`r${i} = 1`] : []));
    return hits.length ? `(${hits.join(' OR ')})` : 'FALSE';
  };
  // The rules' own alerts after precedence: a block or review rule fired, and no allow (rule or list).
  const alert = `CASE WHEN (NOT ${any('allow')}) AND (${any('block')} OR ${any('review')}) THEN 1 ELSE 0 END AS r_all`;
  const flag = `COALESCE(ch.v IN ('fraud', 'review'), FALSE)`;
  const perRule = [...set.rules.map((_, i) => `r${i}`), 'r_all'].flatMap((r) => [
    `${count(`${r} = 1`)} AS ${r}_fired`,
    `${count(`${r} = 1 AND label IS NOT NULL`)} AS ${r}_labelled`,
    `${count(`${r} = 1 AND label = 1`)} AS ${r}_frauds`,
    `${count(`${r} = 1 AND flagged = 1`)} AS ${r}_duplicates`,
    `${count(`${r} = 1 AND flagged = 0 AND label = 1`)} AS ${r}_added_frauds`,
  ]);
  return `WITH lab AS (${latestLabels(d)}), ch AS (${championFlags(d)}),
    ${set.format === 'raw' ? rawFields(d, p) : kaggleFields(d, p)},
    ev AS (SELECT f.day, f.label, CASE WHEN ${flag} THEN 1 ELSE 0 END AS flagged${fired.length ? ', ' : ''}${fired.join(', ')}
      FROM fields f LEFT JOIN ch ON ch.transaction_id = f.tx_id),
    rated AS (SELECT ev.*, ${alert} FROM ev)
    SELECT day, COUNT(*) AS n, ${count('label IS NOT NULL')} AS labelled, ${count('label = 1')} AS frauds,
      ${count('flagged = 1')} AS champion, ${count('flagged = 1 AND label = 1')} AS champion_frauds, ${perRule.join(', ')}
    FROM rated GROUP BY day ORDER BY day`;
}
