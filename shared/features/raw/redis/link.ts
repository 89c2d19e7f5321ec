// What the Redis feature state needs from a client: run a Lua script by its SHA, count a sorted set, ping, close.
import { createHash } from 'node:crypto';

export interface RedisLink {
  /** Runs `lua` with string arguments (no keys): EVALSHA, loading the script once when the server does not know it. */
  script(lua: string, args: readonly string[]): Promise<unknown>;
  zcard(key: string): Promise<number>;
  ping(): Promise<void>;
  close(): Promise<void>;
}

/** Where and how to connect: REDIS_URL parsed by the configuration (rediss:// = TLS, user:password = AUTH). */
export interface RedisEndpoint {
  readonly host: string;
  readonly port: number;
  readonly tls: boolean;
  readonly username?: string;
  readonly password?: string;
  readonly db: number;
  /** PEM of the CA that signs the server's certificate (Memorystore's server CA), when TLS is on. */
  readonly caPem?: string;
}

export const sha1 = (text: string): string => createHash('sha1').update(text).digest('hex');

/** True for the server's "unknown script" answer (after a restart or a SCRIPT FLUSH): load it and run again. */
export const isNoScript = (e: unknown): boolean => e instanceof Error && e.message.startsWith('NOSCRIPT');
