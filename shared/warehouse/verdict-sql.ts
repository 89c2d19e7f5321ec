// How verdicts meet their transactions and the truth in SQL: one join key and one truth, for the report and the demo alike.
import type { SqlDialect } from './dialect.ts';

/**
 * A verdict names its transaction by the business id where the transaction has one (raw), else by the message id
 * (Kaggle rows): the same key `coalesce(transaction_id, id)` gives on the transactions table.
 */
export const VERDICT_TRANSACTIONS =
  'FROM verdicts v JOIN transactions t ON coalesce(t.transaction_id, t.id) = v.transaction_id';

/** The latest label that arrived for each transaction (a correction wins over what came before). */
export const latestLabelsOf = (d: SqlDialect) =>
  `(SELECT transaction_id, ${d.latest('label', 'labelled_at')} AS label FROM labels GROUP BY 1)`;

/** Joins the latest labels as `l`; truth is that label, else the one the transaction came with, else unknown (NULL). */
export const LABELS_JOIN = (d: SqlDialect) =>
  `LEFT JOIN ${latestLabelsOf(d)} l ON l.transaction_id = coalesce(t.transaction_id, t.id)`;
export const truthOf = (d: SqlDialect) => `coalesce(l.label, t.${d.ident('Class')}, t.label)`;

/** The day of a transaction: "day N" of a Kaggle set (seconds since its start), the calendar day of a raw one. */
export const transactionDay = (d: SqlDialect) =>
  `coalesce('day ' || CAST(CAST(floor(t.${d.ident('Time')} / 86400) AS INTEGER) AS STRING), ${d.formatTimestamp('t.tx_datetime', '%Y-%m-%d')})`;

/** Confusion counts of verdicts against the truth known now; unknown truth counts in neither. */
export const confusionColumns = (truth: string) => `CAST(count(*) AS INTEGER) AS verdicts,
  CAST(sum(CASE WHEN v.verdict = 'fraud' THEN 1 ELSE 0 END) AS INTEGER) AS alerts,
  CAST(sum(CASE WHEN v.verdict = 'review' THEN 1 ELSE 0 END) AS INTEGER) AS reviews,
  CAST(sum(CASE WHEN v.verdict = 'fraud' AND ${truth} = 1 THEN 1 ELSE 0 END) AS INTEGER) AS tp,
  CAST(sum(CASE WHEN v.verdict = 'fraud' AND ${truth} = 0 THEN 1 ELSE 0 END) AS INTEGER) AS fp,
  CAST(sum(CASE WHEN v.verdict <> 'fraud' AND ${truth} = 1 THEN 1 ELSE 0 END) AS INTEGER) AS fn`;
