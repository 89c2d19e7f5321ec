// The one error type of fraudflow: a stable code, an actionable message, structured details, the cause kept.

export const ERROR_CODES = {
  CONFIG_INVALID: { http: 500, retriable: false },
  INPUT_INVALID: { http: 400, retriable: false },
  FORMAT_UNKNOWN: { http: 400, retriable: false },
  FILE_UNREADABLE: { http: 400, retriable: false },
  PAYLOAD_TOO_LARGE: { http: 413, retriable: false },
  FORMAT_MISMATCH: { http: 422, retriable: false },
  UNAUTHORIZED: { http: 401, retriable: false },
  NOT_FOUND: { http: 404, retriable: false },
  EVENTLOG_UNAVAILABLE: { http: 503, retriable: true },
  EVENTLOG_FAILED: { http: 500, retriable: false },
  WAREHOUSE_FAILED: { http: 500, retriable: false },
  WAREHOUSE_BUSY: { http: 503, retriable: true },
  MODEL_UNAVAILABLE: { http: 503, retriable: true },
  TIMEOUT: { http: 504, retriable: true },
  INTERNAL: { http: 500, retriable: false },
  DEPLOY_STEP_FAILED: { http: 500, retriable: false },
  METHOD_NOT_ALLOWED: { http: 405, retriable: false },
  UNSUPPORTED_MEDIA_TYPE: { http: 415, retriable: false },
  /** A port to listen on is taken (another `fraudflow dev`?): retry once it is free. */
  PORT_IN_USE: { http: 503, retriable: true },
  /** A valid time that online scoring refuses: too far ahead of the clock (FRAUDFLOW_MAX_FUTURE_SKEW_SECONDS). */
  TIME_OUT_OF_RANGE: { http: 422, retriable: false },
  /** The warehouse refused the data itself (not an outage): retrying the same rows fails the same way. */
  WAREHOUSE_REJECTED: { http: 422, retriable: false },
  FEATURES_UNAVAILABLE: { http: 503, retriable: true },
} as const satisfies Record<string, { http: number; retriable: boolean }>;

export type ErrorCode = keyof typeof ERROR_CODES;
export type ErrorDetails = Readonly<Record<string, unknown>>;

export class FraudflowError extends Error {
  readonly code: ErrorCode;
  readonly details: ErrorDetails;
  readonly retriable: boolean;

  constructor(
    code: ErrorCode,
    message: string,
    details: ErrorDetails = {},
    options: { cause?: unknown; retriable?: boolean } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'FraudflowError';
    this.code = code;
    this.details = details;
    this.retriable = options.retriable ?? ERROR_CODES[code].retriable;
  }

  get httpStatus(): number {
    return ERROR_CODES[this.code].http;
  }

  toJSON(): Record<string, unknown> {
    return { code: this.code, message: this.message, details: this.details, retriable: this.retriable };
  }
}

/** Wraps anything thrown by a library into a FraudflowError with context, keeping the cause. */
export function wrapError(
  cause: unknown,
  code: ErrorCode,
  message: string,
  details: ErrorDetails = {},
  retriable?: boolean,
): FraudflowError {
  if (cause instanceof FraudflowError) return cause;
  const reason = cause instanceof Error ? cause.message : String(cause);
  return new FraudflowError(
    code,
    `${message}: ${reason}`,
    details,
    retriable === undefined ? { cause } : { cause, retriable },
  );
}

export function isFraudflowError(e: unknown): e is FraudflowError {
  return e instanceof FraudflowError;
}
