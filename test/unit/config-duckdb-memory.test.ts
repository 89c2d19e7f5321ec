// DuckDB's memory limits from the environment: the warehouse's (unset: DuckDB's default) and the sink's own (128MB).
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../shared/config.ts';
import { FraudflowError } from '../../shared/errors.ts';

const problemsOf = (env: Record<string, string>): string[] => {
  try {
    loadConfig(env);
  } catch (e) {
    expect(e).toBeInstanceOf(FraudflowError);
    expect((e as FraudflowError).code).toBe('CONFIG_INVALID');
    return (e as FraudflowError).details.problems as string[];
  }
  throw new Error('expected a configuration error');
};

describe('configuration: DuckDB memory limits', () => {
  it('leaves the warehouse at DuckDB default and bounds the sink at 128MB when unset', () => {
    const c = loadConfig({ FRAUDFLOW_DATA_DIR: '/tmp/x' });
    expect(c.warehouse).toEqual({ kind: 'duckdb', path: '/tmp/x/warehouse.duckdb' });
    expect(c.sink.duckdbMemoryLimit).toBe('128MB');
  });

  it('takes sizes in MB or GB, any case, spelled as DuckDB reads them', () => {
    const c = loadConfig({ FRAUDFLOW_DUCKDB_MEMORY_LIMIT: '2gb', FRAUDFLOW_SINK_DUCKDB_MEMORY_LIMIT: '256mb' });
    expect(c.warehouse).toMatchObject({ kind: 'duckdb', memoryLimit: '2GB' });
    expect(c.sink.duckdbMemoryLimit).toBe('256MB');
  });

  it.each(['192', '192 MB', '1.5GB', '80%', '0x10MB', '-5MB', '15MB', 'lots'])(
    'refuses %j with one configuration error naming the variable',
    (value) => {
      for (const name of ['FRAUDFLOW_DUCKDB_MEMORY_LIMIT', 'FRAUDFLOW_SINK_DUCKDB_MEMORY_LIMIT']) {
        const problems = problemsOf({ [name]: value });
        expect(problems).toHaveLength(1);
        expect(problems[0]).toMatch(new RegExp(`^${name}: `));
      }
    },
  );
});
