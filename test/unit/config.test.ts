// Configuration is parsed once from the environment, picks the adapters, and names every bad variable.
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../shared/config.ts';
import { FraudflowError } from '../../shared/errors.ts';

describe('configuration', () => {
  it('defaults to the embedded event log under the data directory', () => {
    const c = loadConfig({ FRAUDFLOW_DATA_DIR: '/tmp/x' });
    expect(c.eventLog).toEqual({ kind: 'embedded', path: '/tmp/x/eventlog.sqlite', synchronous: 'NORMAL' });
    expect(c.partitions).toBe(4);
  });

  it('picks Kafka when KAFKA_BROKERS is set, with SASL settings', () => {
    const c = loadConfig({
      KAFKA_BROKERS: 'b1:9092, b2:9092',
      KAFKA_SASL_MECHANISM: 'scram-sha-512',
      KAFKA_SASL_USERNAME: 'u',
      KAFKA_SASL_PASSWORD: 'p',
      KAFKA_SSL: 'true',
    });
    expect(c.eventLog.kind).toBe('kafka');
    if (c.eventLog.kind === 'kafka') {
      expect(c.eventLog.kafka.brokers).toEqual(['b1:9092', 'b2:9092']);
      expect(c.eventLog.kafka.ssl).toBe(true);
      expect(c.eventLog.kafka.sasl).toEqual({ mechanism: 'scram-sha-512', username: 'u', password: 'p' });
    }
  });

  it('gives a Kafka produce two minutes of retries through an outage unless KAFKA_PRODUCE_RETRY_MS says otherwise', () => {
    const retryOf = (env: Record<string, string>) => {
      const c = loadConfig({ KAFKA_BROKERS: 'b1:9092', ...env });
      return c.eventLog.kind === 'kafka' ? c.eventLog.kafka.produceRetryMs : undefined;
    };
    expect(retryOf({})).toBe(120_000);
    expect(retryOf({ KAFKA_PRODUCE_RETRY_MS: '5000' })).toBe(5000);
    expect(() => retryOf({ KAFKA_PRODUCE_RETRY_MS: '-1' })).toThrow(/KAFKA_PRODUCE_RETRY_MS/);
  });

  it('picks BigQuery when project and dataset are set, and DuckDB otherwise', () => {
    expect(loadConfig({ FRAUDFLOW_DATA_DIR: '/tmp/x' }).warehouse).toEqual({
      kind: 'duckdb',
      path: '/tmp/x/warehouse.duckdb',
    });
    expect(
      loadConfig({ BIGQUERY_PROJECT: 'p', BIGQUERY_DATASET: 'fraudflow', BIGQUERY_LOCATION: 'EU' }).warehouse,
    ).toEqual({ kind: 'bigquery', projectId: 'p', dataset: 'fraudflow', location: 'EU' });
    expect(() => loadConfig({ BIGQUERY_PROJECT: 'p' })).toThrow(/BIGQUERY_DATASET/);
    expect(
      loadConfig({ BIGQUERY_PROJECT: 'p', BIGQUERY_DATASET: 'd', BIGQUERY_API_ENDPOINT: 'http://127.0.0.1:9050' })
        .warehouse,
    ).toMatchObject({ apiEndpoint: 'http://127.0.0.1:9050' });
  });

  it('sinks larger transactions into DuckDB than into BigQuery unless FRAUDFLOW_SINK_BATCH says', () => {
    expect(loadConfig({}).sink.batch).toBe(250_000);
    expect(loadConfig({ BIGQUERY_PROJECT: 'p', BIGQUERY_DATASET: 'd' }).sink.batch).toBe(50_000);
    expect(loadConfig({ FRAUDFLOW_SINK_BATCH: '1000', BIGQUERY_PROJECT: 'p', BIGQUERY_DATASET: 'd' }).sink.batch).toBe(
      1000,
    );
  });

  it('treats an empty variable as unset', () => {
    expect(loadConfig({ KAFKA_BROKERS: '' }).eventLog.kind).toBe('embedded');
  });

  it('names every invalid variable in one error', () => {
    let err: unknown;
    try {
      loadConfig({ KAFKA_BROKERS: 'no-port', FRAUDFLOW_PARTITIONS: '0', KAFKA_SASL_MECHANISM: 'plain' });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(FraudflowError);
    const msg = (err as Error).message;
    expect((err as FraudflowError).code).toBe('CONFIG_INVALID');
    expect(msg).toMatch(/KAFKA_BROKERS/);
    expect(msg).toMatch(/FRAUDFLOW_PARTITIONS/);
    expect(msg).toMatch(/KAFKA_SASL_USERNAME/);
  });
});

describe('configuration: Kafka OAUTHBEARER and a private CA', () => {
  const kafkaOf = (env: Record<string, string>) => {
    const c = loadConfig({ KAFKA_BROKERS: 'b1:9092', ...env });
    if (c.eventLog.kind !== 'kafka') throw new Error('expected the Kafka event log');
    return c.eventLog.kafka;
  };
  const problemsOf = (env: Record<string, string>): string[] => {
    try {
      loadConfig({ KAFKA_BROKERS: 'b1:9092', ...env });
    } catch (e) {
      expect((e as FraudflowError).code).toBe('CONFIG_INVALID');
      return (e as FraudflowError).details.problems as string[];
    }
    throw new Error('expected a configuration error');
  };

  it('takes KAFKA_SASL_MECHANISM=oauthbearer with no username or password (the service account token is used)', () => {
    const k = kafkaOf({ KAFKA_SASL_MECHANISM: 'oauthbearer', KAFKA_SSL: 'true' });
    expect(k.sasl).toEqual({ mechanism: 'oauthbearer' });
    expect(k.ssl).toBe(true);
  });

  it('refuses a username or password given with oauthbearer, naming each variable', () => {
    const both = problemsOf({
      KAFKA_SASL_MECHANISM: 'oauthbearer',
      KAFKA_SASL_USERNAME: 'u',
      KAFKA_SASL_PASSWORD: 'p',
    });
    expect(both).toHaveLength(2);
    expect(both.join('\n')).toMatch(/KAFKA_SASL_USERNAME.*oauthbearer/);
    expect(both.join('\n')).toMatch(/KAFKA_SASL_PASSWORD.*oauthbearer/);
    const one = problemsOf({ KAFKA_SASL_MECHANISM: 'oauthbearer', KAFKA_SASL_PASSWORD: 'p' });
    expect(one).toHaveLength(1);
    expect(one[0]).toMatch(/KAFKA_SASL_PASSWORD/);
  });

  it('takes KAFKA_SSL_CA_FILE as an absolute path, and only with KAFKA_SSL=true', () => {
    const k = kafkaOf({ KAFKA_SSL: 'true', KAFKA_SSL_CA_FILE: 'certs/ca.pem' });
    expect(k.sslCaFile).toMatch(/^\/.*\/certs\/ca\.pem$/);
    expect(kafkaOf({}).sslCaFile).toBeUndefined();
    expect(problemsOf({ KAFKA_SSL_CA_FILE: '/etc/ca.pem' }).join('\n')).toMatch(/KAFKA_SSL_CA_FILE.*KAFKA_SSL=true/);
  });
});

describe('numbers from the environment', () => {
  it.each(['0x4', ' 4 ', '4e0', '4.0', '+4', '4_000', 'Infinity'])(
    'refuses %j as an integer, naming the variable',
    (v) => {
      expect(() => loadConfig({ FRAUDFLOW_PARTITIONS: v })).toThrow(
        /FRAUDFLOW_PARTITIONS: expected an integer written in decimal digits/,
      );
    },
  );

  it.each(['1e-1', '0x1', '.', ' 0.5'])('refuses %j as a decimal', (v) => {
    expect(() => loadConfig({ FRAUDFLOW_REVIEW_RATIO: v })).toThrow(
      /FRAUDFLOW_REVIEW_RATIO: expected a decimal number/,
    );
  });

  it('reads plain decimal digits, and keeps the defaults when unset', () => {
    const c = loadConfig({ FRAUDFLOW_PARTITIONS: '12', FRAUDFLOW_REVIEW_RATIO: '.25' });
    expect(c.partitions).toBe(12);
    expect(c.score.reviewRatio).toBe(0.25);
    expect(loadConfig({}).partitions).toBe(4);
  });
});

describe('the function functions-framework serves', () => {
  it('is read from --target (either spelling) before FUNCTION_TARGET, as functions-framework reads it', async () => {
    const { frameworkTarget } = await import('../../shared/config.ts');
    expect(frameworkTarget({}, ['node', 'main.js', '--target=ingest'])).toBe('ingest');
    expect(frameworkTarget({}, ['node', 'main.js', '--target', 'sink'])).toBe('sink');
    expect(frameworkTarget({ FUNCTION_TARGET: 'score' }, ['node', 'main.js'])).toBe('score');
    expect(frameworkTarget({ FUNCTION_TARGET: 'score' }, ['node', 'main.js', '--target=review'])).toBe('review');
    expect(frameworkTarget({ FUNCTION_TARGET: '' }, ['node', 'vitest'])).toBeUndefined();
  });
});
