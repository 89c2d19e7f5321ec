// The local runner: every function served on 127.0.0.1 behind the HTTP edge, an uploads folder as the bucket, cron as Cloud Scheduler.
import { mkdirSync, readdirSync, realpathSync, statSync, watch, type FSWatcher } from 'node:fs';
import { join, sep } from 'node:path';
import type { Server } from 'node:http';
import { Cron } from 'croner';
import type { Logger } from '../../shared/logger.ts';
import { edgeListener } from '../../shared/http/guard.ts';
import { closeServer, edgeServer, listen } from '../../shared/http/server.ts';
import { pubsubTick, storageFinalized, type HttpEvent } from './cloudevents.ts';

export interface DevOptions {
  readonly uploadsDir: string;
  readonly basePort: number;
  readonly schedules: Readonly<Record<'sink' | 'score-stream' | 'retrain', string>>;
  readonly logger: Logger;
}

export interface DevRunner {
  readonly urls: Record<string, string>;
  /** Stops schedules and the watcher, waits for what is running, closes the servers. */
  stop(): Promise<void>;
}

const FUNCTIONS = ['ingest', 'sink', 'retrain', 'score', 'score-stream', 'review'] as const;

// eslint-disable-next-line max-lines-per-function -- the local runner's start-up, one sequence read top to bottom (to split into named steps: issue 16)
export async function startDev(options: DevOptions): Promise<DevRunner> {
  const { ROUTES } = await import('../../functions/routes.ts');
  const servers: Server[] = [];
  const urls: Record<string, string> = {};
  for (const [i, name] of FUNCTIONS.entries()) {
    const server = edgeServer(edgeListener(ROUTES[name]!, options.logger.child({ function: name })));
    // A port already taken (a second `fraudflow dev`) fails with PORT_IN_USE naming it; the others close first.
    const port = await listen(server, options.basePort === 0 ? 0 : options.basePort + i, '127.0.0.1').catch(
      async (e: unknown) => {
        await Promise.all(servers.map((s) => closeServer(s)));
        throw e;
      },
    );
    servers.push(server);
    urls[name] = `http://127.0.0.1:${port}/`;
  }
  const inFlight = new Set<Promise<unknown>>();
  const deliver = (fn: string, event: HttpEvent): Promise<void> => {
    const p = fetch(urls[fn]!, { method: 'POST', headers: event.headers, body: event.body })
      .then(async (res) => {
        if (res.status >= 300)
          options.logger.error(`dev: ${fn} answered ${res.status}`, {
            function: fn,
            status: res.status,
            body: (await res.text()).slice(0, 500),
          });
        else options.logger.info(`dev: ${fn} done`, { function: fn });
      })
      .catch((e: unknown) => options.logger.error(`dev: ${fn} failed`, { function: fn, error: e }))
      .finally(() => inFlight.delete(p));
    inFlight.add(p);
    return p;
  };

  // Cloud Scheduler: one job per schedule, never overlapping itself.
  const jobs = (Object.entries(options.schedules) as Array<[string, string]>).map(
    ([fn, pattern]) =>
      new Cron(
        pattern,
        { protect: true, catch: (e) => options.logger.error('dev: schedule failed', { function: fn, error: e }) },
        async () => {
          await deliver(fn, pubsubTick(`${fn}-tick`));
        },
      ),
  );

  // The bucket: a CSV dropped into the uploads folder is an object finalized once its size stops changing.
  mkdirSync(options.uploadsDir, { recursive: true });
  const root = realpathSync(options.uploadsDir);
  const refused = new Set<string>();
  /** The upload's real file, or null when it is gone or a link leading out of the folder (never followed). */
  const statUpload = (name: string): { size: number; mtimeMs: number } | null => {
    try {
      const real = realpathSync(join(options.uploadsDir, name));
      if (!real.startsWith(root + sep)) {
        if (!refused.has(name))
          options.logger.warn('dev: upload is a link out of the uploads folder; ignored', { object: name });
        refused.add(name);
        return null;
      }
      const s = statSync(real);
      return s.isFile() ? s : null;
    } catch {
      return null;
    }
  };
  const seen = new Map<string, number>();
  const pending = new Map<string, NodeJS.Timeout>();
  const consider = (name: string): void => {
    if (!/\.csv(\.gz)?$/.test(name) || pending.has(name)) return;
    const check = (lastSize: number) => {
      pending.set(
        name,
        setTimeout(() => {
          const s = statUpload(name);
          if (s === null) {
            pending.delete(name);
            return;
          }
          const size = s.size;
          const mtime = s.mtimeMs;
          if (size !== lastSize) return check(size);
          pending.delete(name);
          if (seen.get(name) === mtime) return;
          seen.set(name, mtime);
          options.logger.info('dev: upload finalized', { object: name, size });
          void deliver('ingest', storageFinalized('local-uploads', name, size));
        }, 300),
      );
    };
    check(-1);
  };
  for (const f of readdirSync(options.uploadsDir)) {
    const s = statUpload(f);
    if (s) seen.set(f, s.mtimeMs);
  }
  const watcher: FSWatcher = watch(options.uploadsDir, (_event, name) => name && consider(name.toString()));

  return {
    urls,
    async stop() {
      watcher.close();
      for (const t of pending.values()) clearTimeout(t);
      for (const j of jobs) j.stop();
      // Nothing in flight is dropped: every delivered event finishes first.
      await Promise.allSettled([...inFlight]);
      await Promise.all(servers.map((s) => closeServer(s)));
    },
  };
}
