// The local runner: every function served on 127.0.0.1 behind the HTTP edge, an uploads folder as the bucket, cron as Cloud Scheduler.
import type { Server } from 'node:http';
import { Cron } from 'croner';
import type { Logger } from '../../shared/logger.ts';
import { edgeListener } from '../../shared/http/guard.ts';
import { closeServer, edgeServer, listen } from '../../shared/http/server.ts';
import { pubsubTick, storageFinalized, type HttpEvent } from './cloudevents.ts';
import { watchUploads } from './uploads.ts';

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

export async function startDev(options: DevOptions): Promise<DevRunner> {
  const { servers, urls } = await serveFunctions(options);
  const { deliver, inFlight } = deliverer(urls, options.logger);
  const jobs = scheduleJobs(options, deliver);
  const uploads = watchUploads(options.uploadsDir, options.logger, (name, size) => {
    void deliver('ingest', storageFinalized('local-uploads', name, size));
  });

  return {
    urls,
    async stop() {
      uploads.close();
      for (const j of jobs) j.stop();
      // Nothing in flight is dropped: every delivered event finishes first.
      await Promise.allSettled([...inFlight]);
      await Promise.all(servers.map((s) => closeServer(s)));
    },
  };
}

/** Every function behind the edge on its own port, from basePort on (0: any free ports). */
async function serveFunctions(options: DevOptions): Promise<{ servers: Server[]; urls: Record<string, string> }> {
  const ROUTES = await (await import('../../functions/routes.ts')).loadRoutes(FUNCTIONS);
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
  return { servers, urls };
}

type Deliver = (fn: string, event: HttpEvent) => Promise<void>;

/** Posts an event to a function as Eventarc would, logging the answer; `inFlight` holds what has not finished. */
function deliverer(
  urls: Record<string, string>,
  logger: Logger,
): { deliver: Deliver; inFlight: Set<Promise<unknown>> } {
  const inFlight = new Set<Promise<unknown>>();
  const deliver: Deliver = (fn, event) => {
    const p = fetch(urls[fn]!, { method: 'POST', headers: event.headers, body: event.body })
      .then(async (res) => {
        if (res.status >= 300)
          logger.error(`dev: ${fn} answered ${res.status}`, {
            function: fn,
            status: res.status,
            body: (await res.text()).slice(0, 500),
          });
        else logger.info(`dev: ${fn} done`, { function: fn });
      })
      .catch((e: unknown) => logger.error(`dev: ${fn} failed`, { function: fn, error: e }))
      .finally(() => inFlight.delete(p));
    inFlight.add(p);
    return p;
  };
  return { deliver, inFlight };
}

/** Cloud Scheduler: one job per schedule, never overlapping itself. */
function scheduleJobs(options: DevOptions, deliver: Deliver): Cron[] {
  return (Object.entries(options.schedules) as Array<[string, string]>).map(
    ([fn, pattern]) =>
      new Cron(
        pattern,
        { protect: true, catch: (e) => options.logger.error('dev: schedule failed', { function: fn, error: e }) },
        async () => {
          await deliver(fn, pubsubTick(`${fn}-tick`));
        },
      ),
  );
}
