// REDIS_URL selects the shared feature state: TLS from rediss://, AUTH from the URL's user and password, a db number;
// anything else is a configuration error naming the variable; without it the SQLite state stays the default.
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../shared/config.ts';
import { FraudflowError } from '../../shared/errors.ts';
import { adapterOf, createRuntime } from '../../shared/runtime.ts';
import { RedisFeatureState } from '../../shared/features/raw/redis/redis-state.ts';
import { SqliteFeatureState } from '../../shared/features/raw/sqlite/sqlite-state.ts';
import { silentLogger } from '../../shared/logger.ts';
import { REDIS_TEST_URL, redisAvailable } from '../helpers/redis.ts';
import { tempDir } from '../helpers/tmp.ts';

describe('REDIS_URL', () => {
  it('reads host, port, TLS, AUTH and db from the URL', () => {
    const c = loadConfig({ REDIS_URL: 'rediss://default:s%40cret@10.0.0.3:6378/2', REDIS_TLS_CA_FILE: '/etc/ca.pem' });
    expect(c.featureStore).toEqual({
      kind: 'redis',
      redis: {
        host: '10.0.0.3',
        port: 6378,
        tls: true,
        db: 2,
        username: 'default',
        password: 's@cret',
        caFile: '/etc/ca.pem',
      },
    });
    expect(loadConfig({ REDIS_URL: 'redis://localhost' }).featureStore).toEqual({
      kind: 'redis',
      redis: { host: 'localhost', port: 6379, tls: false, db: 0 },
    });
  });

  it('keeps the SQLite state in the data directory when unset', () => {
    const c = loadConfig({ FRAUDFLOW_DATA_DIR: '/tmp/ff-data' });
    expect(c.featureStore).toEqual({ kind: 'sqlite', path: '/tmp/ff-data/features.sqlite' });
  });

  it('refuses what is not a redis:// or rediss:// URL, naming the variable and not echoing the password', () => {
    for (const bad of ['http://host:6379', 'redis://', 'redis://h:99999', 'redis://h/abc', 'localhost:6379']) {
      let error: unknown;
      try {
        loadConfig({ REDIS_URL: bad });
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(FraudflowError);
      expect((error as FraudflowError).message).toContain('REDIS_URL');
    }
    try {
      loadConfig({ REDIS_URL: 'redis://u:topsecret@h/abc' });
    } catch (e) {
      expect((e as Error).message).not.toContain('topsecret');
    }
  });

  it('makes the runtime build the Redis state when set, the SQLite one when not', async () => {
    const dir = tempDir('fraudflow-rt-');
    const sqlite = createRuntime(loadConfig({ FRAUDFLOW_DATA_DIR: dir.path }), silentLogger);
    expect(await adapterOf(sqlite.featureState())).toBeInstanceOf(SqliteFeatureState);
    await sqlite.close();
    if (await redisAvailable('runtime picks redis')) {
      const rt = createRuntime(loadConfig({ FRAUDFLOW_DATA_DIR: dir.path, REDIS_URL: REDIS_TEST_URL }), silentLogger);
      const state = rt.featureState();
      expect(await adapterOf(state)).toBeInstanceOf(RedisFeatureState);
      expect(await state.keptEvents('customer', `nobody-${Date.now()}`)).toBe(0);
      await rt.close();
    }
    dir.cleanup();
  });
});
