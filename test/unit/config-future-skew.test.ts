// FRAUDFLOW_MAX_FUTURE_SKEW_SECONDS: how far ahead of the clock online scoring accepts a transaction time.
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../shared/config.ts';
import { FraudflowError } from '../../shared/errors.ts';

describe('the future-skew setting', () => {
  it('defaults to a day and takes whole seconds', () => {
    expect(loadConfig({}).score.maxFutureSkewSeconds).toBe(86_400);
    expect(loadConfig({ FRAUDFLOW_MAX_FUTURE_SKEW_SECONDS: '300' }).score.maxFutureSkewSeconds).toBe(300);
    expect(loadConfig({ FRAUDFLOW_MAX_FUTURE_SKEW_SECONDS: '0' }).score.maxFutureSkewSeconds).toBe(0);
  });

  it.each(['-1', '1.5', 'soon', '99999999'])('refuses %j, naming the variable', (value) => {
    const e = (() => {
      try {
        return loadConfig({ FRAUDFLOW_MAX_FUTURE_SKEW_SECONDS: value });
      } catch (x) {
        return x;
      }
    })();
    expect(e).toBeInstanceOf(FraudflowError);
    expect((e as FraudflowError).code).toBe('CONFIG_INVALID');
    expect((e as Error).message).toMatch(/FRAUDFLOW_MAX_FUTURE_SKEW_SECONDS/);
  });
});
