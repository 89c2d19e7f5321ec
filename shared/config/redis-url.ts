// REDIS_URL's grammar: the parts of a redis:// or rediss:// URL, or nothing when it is not one.
import type { RedisConfig } from '../config.ts';

/** REDIS_URL's parts, or undefined when it is not a redis:// or rediss:// URL with a host, a port and a db number. */
export function redisEndpoint(url: string): Omit<RedisConfig, 'caFile'> | undefined {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return undefined;
  }
  if ((u.protocol !== 'redis:' && u.protocol !== 'rediss:') || !u.hostname || u.search || u.hash) return undefined;
  const db =
    u.pathname === '' || u.pathname === '/' ? 0 : /^\/\d{1,2}$/.test(u.pathname) ? Number(u.pathname.slice(1)) : NaN;
  const port = u.port ? Number(u.port) : 6379;
  if (!Number.isInteger(db) || port < 1 || port > 65535) return undefined;
  return {
    host: u.hostname.replace(/^\[(.*)\]$/, '$1'),
    port,
    tls: u.protocol === 'rediss:',
    db,
    ...(u.username ? { username: decodeURIComponent(u.username) } : {}),
    ...(u.password ? { password: decodeURIComponent(u.password) } : {}),
  };
}
