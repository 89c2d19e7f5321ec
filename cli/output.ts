// Printing for the CLI: aligned tables for people, JSON for scripts, one-line errors with a hint.
import { FraudflowError, type ErrorCode } from '../shared/errors.ts';

export function table(items: readonly object[], columns?: readonly string[]): string {
  const rows = items as ReadonlyArray<Record<string, unknown>>;
  if (rows.length === 0) return '(no rows)';
  const cols = columns ?? Object.keys(rows[0]!);
  const cell = (v: unknown): string =>
    v === null || v === undefined
      ? ''
      : typeof v === 'number'
        ? fmtNumber(v)
        : typeof v === 'object'
          ? JSON.stringify(v)
          : String(v);
  const cells = rows.map((r) => cols.map((c) => cell(r[c])));
  const widths = cols.map((c, i) => Math.max(c.length, ...cells.map((r) => r[i]!.length)));
  const line = (vals: string[]) =>
    vals
      .map((v, i) => (isNumeric(v) ? v.padStart(widths[i]!) : v.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  return [line([...cols]), widths.map((w) => '-'.repeat(w)).join('  '), ...cells.map(line)].join('\n');
}

function fmtNumber(n: number): string {
  if (Number.isInteger(n)) return String(n);
  return Math.abs(n) >= 100 ? n.toFixed(1) : n.toPrecision(4);
}

function isNumeric(v: string): boolean {
  return /^-?\d+(\.\d+)?(e[+-]?\d+)?$/.test(v);
}

/** Exit codes, documented in the README. */
export const EXIT = { ok: 0, failed: 1, usage: 2, input: 3, unavailable: 4 } as const;

const HINTS: Partial<Record<ErrorCode, string>> = {
  CONFIG_INVALID: 'check the environment variables listed in README.md#configuration',
  FORMAT_UNKNOWN: 'the first line must be a header of a known format (fraudflow --help lists them)',
  FILE_UNREADABLE: 'check the path and that the file is a readable CSV or .csv.gz',
  EVENTLOG_UNAVAILABLE: 'is the event log reachable? for Kafka: npm run kafka:up, and KAFKA_BROKERS',
  INPUT_INVALID: 'fix the input and run again',
};

export function exitCodeOf(e: unknown): number {
  if (!(e instanceof FraudflowError)) return EXIT.failed;
  if (e.code === 'CONFIG_INVALID') return EXIT.usage;
  if (['INPUT_INVALID', 'FORMAT_UNKNOWN', 'FILE_UNREADABLE', 'NOT_FOUND'].includes(e.code)) return EXIT.input;
  if (e.retriable) return EXIT.unavailable;
  return EXIT.failed;
}

export function errorLine(e: unknown): string {
  if (e instanceof FraudflowError) {
    const hint = HINTS[e.code];
    return `fraudflow: error [${e.code}] ${e.message}${hint ? `\n  hint: ${hint}` : ''}`;
  }
  return `fraudflow: error ${e instanceof Error ? e.message : String(e)}`;
}
