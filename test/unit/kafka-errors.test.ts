// kafkajs errors become typed event-log errors: an outage or a timeout is retriable, a refusal is not, and the cause is kept.
import { describe, expect, it } from 'vitest';
import {
  KafkaJSConnectionError,
  KafkaJSNonRetriableError,
  KafkaJSNumberOfRetriesExceeded,
  KafkaJSProtocolError,
  KafkaJSRequestTimeoutError,
  KafkaJSSASLAuthenticationError,
} from 'kafkajs';
import { FraudflowError } from '../../shared/errors.ts';
import { isRetriable } from '../../shared/retry.ts';
import { kafkaError } from '../../shared/eventlog/kafka/errors.ts';

// kafkajs's type declarations lag its constructors (the options argument, the message): built as kafkajs builds them.
type ErrorClass = new (e: Error | string, options?: { cause?: unknown }) => Error;
const NonRetriable = KafkaJSNonRetriableError as unknown as ErrorClass;
const SaslFailed = KafkaJSSASLAuthenticationError as unknown as ErrorClass;
const refused = () =>
  new KafkaJSConnectionError('Connection error: connect ECONNREFUSED 127.0.0.1:19092', {
    broker: '127.0.0.1:19092',
    code: 'ECONNREFUSED',
  });

describe('kafka errors', () => {
  it('makes a refused connection a retriable EVENTLOG_UNAVAILABLE with the topic and the cause', () => {
    const cause = refused();
    const e = kafkaError(cause, 'kafka: produce to transactions failed', { topic: 'transactions' });
    expect(e).toBeInstanceOf(FraudflowError);
    expect(e.code).toBe('EVENTLOG_UNAVAILABLE');
    expect(isRetriable(e)).toBe(true);
    expect(e.details).toEqual({ topic: 'transactions' });
    expect(e.cause).toBe(cause);
    expect(e.message).toMatch(/transactions failed: Connection error/);
  });

  it('looks through kafkajs giving up on its own retries to the connection error beneath', () => {
    // What kafkajs throws once its retrier is exhausted while the broker is down: non-retriable on the outside.
    const exhausted = new KafkaJSNumberOfRetriesExceeded(refused(), { retryCount: 5, retryTime: 3200 });
    const wrapped = new NonRetriable(exhausted, { cause: exhausted.cause });
    expect(exhausted.retriable).toBe(false);
    expect(kafkaError(exhausted, 'x').code).toBe('EVENTLOG_UNAVAILABLE');
    expect(kafkaError(wrapped, 'x').code).toBe('EVENTLOG_UNAVAILABLE');
  });

  it('treats request timeouts as retriable and refusals by the broker as failures', () => {
    expect(kafkaError(new KafkaJSRequestTimeoutError('Request Produce timed out'), 'x').code).toBe(
      'EVENTLOG_UNAVAILABLE',
    );
    const notLeader = new KafkaJSProtocolError({
      message: 'not the leader',
      type: 'NOT_LEADER_FOR_PARTITION',
      code: 6,
      retriable: true,
    } as unknown as Error);
    expect(kafkaError(notLeader, 'x').code).toBe('EVENTLOG_UNAVAILABLE');
    const denied = new KafkaJSProtocolError({
      message: 'not authorized',
      type: 'TOPIC_AUTHORIZATION_FAILED',
      code: 29,
      retriable: false,
    } as unknown as Error);
    expect(kafkaError(denied, 'x').code).toBe('EVENTLOG_FAILED');
    expect(kafkaError(new SaslFailed('SASL SCRAM SHA512 authentication failed'), 'x').code).toBe('EVENTLOG_FAILED');
    const badInput = kafkaError(new NonRetriable(new TypeError('bad value')), 'x');
    expect(badInput.code).toBe('EVENTLOG_FAILED');
    expect(isRetriable(badInput)).toBe(false);
  });

  it('keeps a FraudflowError as it is', () => {
    const original = new FraudflowError('EVENTLOG_FAILED', 'no such topic', { topic: 't' });
    expect(kafkaError(original, 'x')).toBe(original);
  });
});
