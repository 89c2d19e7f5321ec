// REDIS_URL with rediss:// and a password, as Memorystore serves it: a real redis-server with TLS (a CA made here) and
// requirepass; the runtime's Redis state connects, verifies the server against REDIS_TLS_CA_FILE, authenticates, scores.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../shared/config.ts';
import { createRuntime } from '../../shared/runtime.ts';
import { silentLogger } from '../../shared/logger.ts';
import { computeAndRecord } from '../../shared/features/raw/compute.ts';
import { redisAvailable } from '../helpers/redis.ts';
import { tempDir } from '../helpers/tmp.ts';
import { waitFor } from '../helpers/wait.ts';

const withRedis = await redisAvailable('feature state over TLS: redis');
const dir = tempDir('fraudflow-redis-tls-');
let server: ChildProcess | undefined;
afterAll(() => {
  server?.kill('SIGTERM');
  dir.cleanup();
});

const freePort = () =>
  new Promise<number>((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const p = (s.address() as { port: number }).port;
      s.close(() => resolve(p));
    });
  });

function makeCerts(): void {
  const ssl = (...args: string[]) => execFileSync('openssl', args, { cwd: dir.path, stdio: 'ignore' });
  ssl(
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-keyout',
    'ca.key',
    '-out',
    'ca.pem',
    '-days',
    '2',
    '-subj',
    '/CN=fraudflow-test-ca',
  );
  ssl('req', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'srv.key', '-out', 'srv.csr', '-subj', '/CN=127.0.0.1');
  writeFileSync(join(dir.path, 'ext'), 'subjectAltName=IP:127.0.0.1\n');
  ssl(
    'x509',
    '-req',
    '-in',
    'srv.csr',
    '-CA',
    'ca.pem',
    '-CAkey',
    'ca.key',
    '-CAcreateserial',
    '-out',
    'srv.pem',
    '-days',
    '2',
    '-extfile',
    'ext',
  );
}

describe.runIf(withRedis)('Redis feature state over TLS with AUTH', () => {
  it('connects with rediss:// and the password, verifying the server by the CA file; a wrong password fails cleanly', async () => {
    makeCerts();
    const port = await freePort();
    const p = (f: string) => join(dir.path, f);
    server = spawn(
      'redis-server',
      [
        '--port',
        '0',
        '--tls-port',
        String(port),
        '--bind',
        '127.0.0.1',
        '--tls-cert-file',
        p('srv.pem'),
        '--tls-key-file',
        p('srv.key'),
        '--tls-ca-cert-file',
        p('ca.pem'),
        '--tls-auth-clients',
        'no',
        '--requirepass',
        'test-secret',
        '--save',
        '',
        '--appendonly',
        'no',
      ],
      { stdio: 'ignore' },
    );
    const open = (password: string) =>
      createRuntime(
        loadConfig({
          FRAUDFLOW_DATA_DIR: p('data'),
          REDIS_URL: `rediss://default:${password}@127.0.0.1:${port}`,
          REDIS_TLS_CA_FILE: p('ca.pem'),
        }),
        silentLogger,
      );
    const tx = {
      transaction_id: 'tls-1',
      tx_datetime: '2026-03-02T08:00:00Z',
      customer_id: 'c',
      terminal_id: 't',
      amount: 12,
    };
    const features = await waitFor(async () => {
      const rt = open('test-secret');
      try {
        return await computeAndRecord(tx, rt.featureState());
      } catch {
        return undefined; // the server is still starting
      } finally {
        await rt.close();
      }
    }, 'the TLS redis-server to answer');
    expect(features[3]).toBe(1);
    const rt = open('test-secret');
    expect(await rt.featureState().keptEvents('customer', 'c')).toBe(1);
    await rt.close();
    const wrong = open('not-the-password');
    await expect(computeAndRecord(tx, wrong.featureState())).rejects.toMatchObject({ code: 'FEATURES_UNAVAILABLE' });
    await wrong.close();
  }, 60_000);
});
