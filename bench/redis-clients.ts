// Bench helper: the RedisLink on node-redis (the `redis` package), to measure it beside ioredis, the client in use.
import { createClient } from 'redis';
import { isNoScript, sha1, type RedisEndpoint, type RedisLink } from '../shared/features/raw/redis/link.ts';

export async function nodeRedisLink(endpoint: RedisEndpoint): Promise<RedisLink> {
  const client = createClient({ socket: { host: endpoint.host, port: endpoint.port }, database: endpoint.db });
  client.on('error', () => {});
  await client.connect();
  const shas = new Map<string, string>();
  return {
    async script(lua, args) {
      let sha = shas.get(lua);
      if (!sha) shas.set(lua, (sha = sha1(lua)));
      try {
        return await client.evalSha(sha, { arguments: [...args] });
      } catch (e) {
        if (!isNoScript(e)) throw e;
        await client.scriptLoad(lua);
        return client.evalSha(sha, { arguments: [...args] });
      }
    },
    zcard: (key) => client.zCard(key),
    async ping() {
      await client.ping();
    },
    async close() {
      await client.quit();
    },
  };
}

/** p50 / p99 (ms) of `n` sequential calls after 500 warm-up ones. */
export async function latency(n: number, call: (i: number) => Promise<unknown>): Promise<{ p50: number; p99: number }> {
  for (let i = 0; i < 500; i++) await call(-1 - i);
  const lat = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    await call(i);
    lat[i] = performance.now() - t;
  }
  lat.sort();
  return {
    p50: Number(lat[Math.floor(n * 0.5)]!.toFixed(3)),
    p99: Number(lat[Math.floor(n * 0.99)]!.toFixed(3)),
  };
}
