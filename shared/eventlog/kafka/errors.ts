// kafkajs errors as FraudflowErrors: what a retry can cure (broker gone, timeouts, leader moved) is EVENTLOG_UNAVAILABLE, the rest EVENTLOG_FAILED.
import { FraudflowError, wrapError, type ErrorDetails } from '../../errors.ts';

/** kafkajs wraps the error it stopped retrying on in these; whether trying again later helps is the cause's to say. */
const GAVE_UP = new Set(['KafkaJSNonRetriableError', 'KafkaJSNumberOfRetriesExceeded']);
/** kafkajs marks these non-retriable, but a broker that answers slowly or not at all may answer later. */
const TIMEOUTS = new Set([
  'KafkaJSTimeout',
  'KafkaJSLockTimeout',
  'KafkaJSRequestTimeoutError',
  'KafkaJSNoBrokerAvailableError',
  'KafkaJSBrokerNotFound',
]);
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
]);
/** A broker certificate that does not verify is a configuration problem (KAFKA_SSL_CA_FILE), not an outage. */
const TLS_CODES = new Set([
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_HAS_EXPIRED',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);

interface ErrorLike {
  readonly name?: unknown;
  readonly retriable?: unknown;
  readonly cause?: unknown;
  readonly code?: unknown;
}

/** Whether an error thrown by kafkajs (or the socket under it) may go away if the same call is made again later. */
export function isRetriableKafkaError(e: unknown, depth = 0): boolean {
  if (e instanceof FraudflowError) return e.retriable;
  if (depth > 8 || typeof e !== 'object' || e === null) return false;
  const { name, retriable, cause, code } = e as ErrorLike;
  if (typeof name === 'string' && GAVE_UP.has(name)) return isRetriableKafkaError(cause, depth + 1);
  if (typeof name === 'string' && TIMEOUTS.has(name)) return true;
  if (typeof code === 'string' && TLS_CODES.has(code)) return false;
  if (typeof code === 'string' && NETWORK_CODES.has(code)) return true;
  return typeof name === 'string' && name.startsWith('KafkaJS') && retriable === true;
}

/** Wraps a kafkajs error with context (topic, group, brokers), keeping it as the cause. */
export function kafkaError(e: unknown, message: string, details: ErrorDetails = {}): FraudflowError {
  if (e instanceof FraudflowError) return e;
  return wrapError(e, isRetriableKafkaError(e) ? 'EVENTLOG_UNAVAILABLE' : 'EVENTLOG_FAILED', message, details);
}
