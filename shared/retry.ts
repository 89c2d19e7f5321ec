// The one place retries live: exponential backoff with jitter, for errors that say they are retriable.
import { FraudflowError } from './errors.ts';

export interface RetryOptions {
  /** Give up after this long in total (the last error is thrown). */
  readonly deadlineMs: number;
  readonly initialMs?: number;
  readonly maxMs?: number;
  readonly isRetriable?: (e: unknown) => boolean;
  readonly onRetry?: (e: unknown, attempt: number, waitMs: number) => void;
}

export function isRetriable(e: unknown): boolean {
  if (e instanceof FraudflowError) return e.retriable;
  return typeof e === 'object' && e !== null && (e as { retriable?: unknown }).retriable === true;
}

export async function withRetry<T>(fn: (attempt: number) => Promise<T>, options: RetryOptions): Promise<T> {
  const deadline = Date.now() + options.deadlineMs;
  const retriable = options.isRetriable ?? isRetriable;
  let wait = options.initialMs ?? 200;
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn(attempt);
    } catch (e) {
      const left = deadline - Date.now();
      if (!retriable(e) || left <= 0) throw e;
      const jittered = Math.min(left, wait * (0.5 + Math.random() / 2));
      options.onRetry?.(e, attempt, Math.round(jittered));
      await new Promise((r) => setTimeout(r, jittered));
      wait = Math.min(wait * 2, options.maxMs ?? 5000);
    }
  }
}
