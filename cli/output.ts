// Printing for the CLI: aligned tables for people, JSON for scripts, one-line errors with a hint.
import { CommanderError } from 'commander';
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
  if (e instanceof CommanderError) return e.exitCode === 0 ? EXIT.ok : EXIT.usage;
  if (!(e instanceof FraudflowError)) return EXIT.failed;
  if (e.code === 'CONFIG_INVALID') return EXIT.usage;
  if (['INPUT_INVALID', 'FORMAT_UNKNOWN', 'FILE_UNREADABLE', 'NOT_FOUND'].includes(e.code)) return EXIT.input;
  if (e.retriable) return EXIT.unavailable;
  return EXIT.failed;
}

/** The code a script sees: ours, USAGE for a command line commander refused, INTERNAL for anything unexpected. */
function codeOf(e: unknown): string {
  if (e instanceof FraudflowError) return e.code;
  if (e instanceof CommanderError) return 'USAGE';
  return 'INTERNAL';
}

function messageOf(e: unknown): string {
  const text = e instanceof Error ? e.message : String(e);
  // commander prefixes its own messages with "error: "; ours carry the code instead.
  return e instanceof CommanderError ? text.replace(/^error: /, '') : text;
}

/** The one JSON object a failure prints on stderr under --json: {"error": {code, message, details}}. */
export function errorJson(e: unknown, debug: boolean): string {
  const details = e instanceof FraudflowError ? e.details : {};
  const error: Record<string, unknown> = { code: codeOf(e), message: messageOf(e), details };
  if (e instanceof FraudflowError && HINTS[e.code]) error.hint = HINTS[e.code];
  if (debug && e instanceof Error && e.stack) error.stack = e.stack;
  return JSON.stringify({ error });
}

/** One line (and a hint) for people; the stack only when debugging was asked for. */
export function errorText(e: unknown, debug: boolean): string {
  const line = errorLine(e);
  return debug && e instanceof Error && e.stack ? `${line}\n${e.stack}` : line;
}

export function errorLine(e: unknown): string {
  if (e instanceof CommanderError) return `fraudflow: ${messageOf(e)} (fraudflow --help lists the commands)`;
  if (e instanceof FraudflowError) {
    const hint = HINTS[e.code];
    return `fraudflow: error [${e.code}] ${e.message}${hint ? `\n  hint: ${hint}` : ''}`;
  }
  return `fraudflow: error ${e instanceof Error ? e.message : String(e)}`;
}
