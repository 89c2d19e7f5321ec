// Structured JSON-lines logging with Cloud Logging's `severity`; never logs payloads or secrets.

export type Severity = 'DEBUG' | 'INFO' | 'WARNING' | 'ERROR';
const RANK: Record<Severity, number> = { DEBUG: 10, INFO: 20, WARNING: 30, ERROR: 40 };

export interface Logger {
  debug(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
  child(fields: Record<string, unknown>): Logger;
}

export interface LoggerOptions {
  level?: Severity;
  write?: (line: string) => void;
  base?: Record<string, unknown>;
}

function serializeError(err: unknown): unknown {
  if (!(err instanceof Error)) return err;
  const out: Record<string, unknown> = { name: err.name, message: err.message };
  const withCode = err as Error & { code?: unknown; details?: unknown };
  if (withCode.code !== undefined) out.code = withCode.code;
  if (withCode.details !== undefined) out.details = withCode.details;
  if (err.cause !== undefined) out.cause = serializeError(err.cause);
  return out;
}

export function createLogger(options: LoggerOptions = {}): Logger {
  const level = RANK[options.level ?? 'INFO'];
  const write = options.write ?? ((line: string) => process.stderr.write(line + '\n'));
  const base = options.base ?? {};
  const emit = (severity: Severity, message: string, fields: Record<string, unknown> = {}): void => {
    if (RANK[severity] < level) return;
    const entry: Record<string, unknown> = { severity, time: new Date().toISOString(), message, ...base };
    for (const [k, v] of Object.entries(fields)) entry[k] = k === 'error' || v instanceof Error ? serializeError(v) : v;
    write(JSON.stringify(entry));
  };
  return {
    debug: (m, f) => emit('DEBUG', m, f),
    info: (m, f) => emit('INFO', m, f),
    warn: (m, f) => emit('WARNING', m, f),
    error: (m, f) => emit('ERROR', m, f),
    child: (fields) => createLogger({ ...options, base: { ...base, ...fields } }),
  };
}

/** A logger that drops everything: for tests and benchmarks that measure, not narrate. */
export const silentLogger: Logger = createLogger({ write: () => undefined });
