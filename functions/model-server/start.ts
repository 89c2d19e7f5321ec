// Starting the serving container: listen at once (Vertex AI health-checks from the start), load the model behind it.
import type { Server } from 'node:http';
import type { Logger } from '../../shared/logger.ts';
import type { LoadedModel } from '../../shared/model/port.ts';
import { closeServer, edgeServer, listen } from '../../shared/http/server.ts';
import { servingListener, type ServeOptions } from './serve.ts';

export interface StartOptions extends ServeOptions {
  readonly port: number;
  readonly host: string;
  /** Loads the model; the health route answers 503 until it resolves. */
  readonly load: () => Promise<LoadedModel>;
  readonly logger: Logger;
}

export interface ModelServer {
  readonly port: number;
  /** Resolves with the model once loaded; rejects when loading fails (the caller decides to exit). */
  readonly loaded: Promise<LoadedModel>;
  close(): Promise<void>;
}

export async function startModelServer(o: StartOptions): Promise<ModelServer> {
  let model: LoadedModel | undefined;
  const server: Server = edgeServer(servingListener(() => model, o, o.logger));
  const port = await listen(server, o.port, o.host);
  o.logger.info('model server listening; loading the model', { port, predict: o.predictRoute, health: o.healthRoute });
  const loaded = o.load().then((m) => {
    model = m;
    o.logger.info('model server ready', { version: m.manifest.version });
    return m;
  });
  return { port, loaded, close: () => closeServer(server) };
}
