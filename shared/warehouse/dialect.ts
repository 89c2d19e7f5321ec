// The few SQL spellings that differ between the warehouses: the queries of retrain and report are written once,
// through these, and run on DuckDB and on BigQuery (GoogleSQL).

export interface SqlDialect {
  readonly name: 'duckdb' | 'bigquery';
  /** A column or table name, quoted (needed for mixed-case names such as "Time" and "Class"). */
  ident(name: string): string;
  /** Aggregate: `value` of the row with the greatest `by` in the group. */
  latest(value: string, by: string): string;
  /** A timestamp as text in a strftime-style format (%Y %m %d %H %M %S). */
  formatTimestamp(ts: string, format: string): string;
  /** A timestamp `days` whole days (24 h) earlier. */
  minusDays(ts: string, days: number): string;
  /** A timestamp as whole epoch seconds (rounded down, as formatTimestamp's %S drops the fraction); read it through Number(). */
  epochSeconds(ts: string): string;
}

const wholeDays = (days: number): string => {
  if (!Number.isSafeInteger(days) || days < 0) throw new Error(`minusDays: ${days} is not a whole number of days`);
  return String(days);
};
const quoteFormat = (format: string) => `'${format.replace(/'/g, "''")}'`;

export const DUCKDB_DIALECT: SqlDialect = {
  name: 'duckdb',
  ident: (name) => `"${name.replace(/"/g, '""')}"`,
  latest: (value, by) => `arg_max(${value}, ${by})`,
  formatTimestamp: (ts, format) => `strftime(${ts}, ${quoteFormat(format)})`,
  minusDays: (ts, days) => `(${ts} - INTERVAL ${wholeDays(days)} DAY)`,
  epochSeconds: (ts) => `floor(epoch_ms(${ts}) / 1000)`,
};

export const BIGQUERY_DIALECT: SqlDialect = {
  name: 'bigquery',
  ident: (name) => `\`${name.replace(/`/g, '\\`')}\``,
  latest: (value, by) => `ARRAY_AGG(${value} ORDER BY ${by} DESC LIMIT 1)[OFFSET(0)]`,
  formatTimestamp: (ts, format) => `FORMAT_TIMESTAMP(${quoteFormat(format)}, ${ts})`,
  minusDays: (ts, days) => `TIMESTAMP_SUB(${ts}, INTERVAL ${wholeDays(days)} DAY)`,
  epochSeconds: (ts) => `UNIX_SECONDS(${ts})`,
};
