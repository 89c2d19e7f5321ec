// The RedisLink on ioredis (the client picked by measurement: bench/features.ts compares it with node-redis).
import { Redis } from 'ioredis';
import { isNoScript, sha1, type RedisEndpoint, type RedisLink } from './link.ts';

export function ioredisLink(endpoint: RedisEndpoint): RedisLink {
  const client = new Redis({
    host: endpoint.host,
    port: endpoint.port,
    db: endpoint.db,
    ...(endpoint.username ? { username: endpoint.username } : {}),
    ...(endpoint.password ? { password: endpoint.password } : {}),
    ...(endpoint.tls ? { tls: { servername: endpoint.host, ...(endpoint.caPem ? { ca: endpoint.caPem } : {}) } } : {}),
    // Fail a call after 2 s of outage instead of queueing it forever; reconnect with backoff meanwhile.
    maxRetriesPerRequest: 2,
    connectTimeout: 5000,
    retryStrategy: (attempt) => Math.min(50 * 2 ** attempt, 2000),
    lazyConnect: false,
  });
  // Errors reach the callers of the commands; the 'error' event would otherwise crash the process.
  client.on('error', () => {});
  const shas = new Map<string, string>();
  return {
    async script(lua, args) {
      let sha = shas.get(lua);
      if (!sha) shas.set(lua, (sha = sha1(lua)));
      try {
        return await client.evalsha(sha, 0, ...args);
      } catch (e) {
        if (!isNoScript(e)) throw e;
        await client.script('LOAD', lua);
        return client.evalsha(sha, 0, ...args);
      }
    },
    zcard: (key) => client.zcard(key),
    async ping() {
      await client.ping();
    },
    async close() {
      await client.quit().catch(() => client.disconnect());
    },
  };
}
