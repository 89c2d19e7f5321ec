// A function served on 127.0.0.1 behind the HTTP edge, as `fraudflow dev` and the deployed function serve it; stopped with the process runtime.
import { createLogger } from '../../shared/logger.ts';
import { edgeListener } from '../../shared/http/guard.ts';
import { closeServer, edgeServer, listen } from '../../shared/http/server.ts';

export interface Served {
  readonly url: string;
  /** Closes the server, then the process runtime the function used. */
  stop(): Promise<void>;
}

export async function serveFunction(name: string): Promise<Served> {
  const route = await (await import('../../functions/routes.ts')).loadRoute(name);
  if (!route) throw new Error(`no function ${name}`);
  const server = edgeServer(edgeListener(route, createLogger({ level: 'WARNING', base: { function: name } })));
  const port = await listen(server, 0, '127.0.0.1');
  return {
    url: `http://127.0.0.1:${port}/`,
    async stop() {
      await closeServer(server);
      const { processRuntime } = await import('../../shared/runtime.ts');
      await processRuntime().close();
    },
  };
}
