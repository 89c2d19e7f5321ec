// Putting the edge on a node:http server: one fraudflow owns (dev, the model server) or the one functions-framework
// creates in the deployed function, taken over at its first request.
import { subscribe } from 'node:diagnostics_channel';
import { createServer, type RequestListener, type Server } from 'node:http';
import { FraudflowError } from '../errors.ts';

const owned = new WeakSet<Server>();

/**
 * Makes `listener` the server's only request handler. It also gets `Expect: 100-continue` requests (Node would
 * otherwise answer 100 Continue itself, and the client would send the body before the edge has looked at it).
 */
export function attachEdge(server: Server, listener: RequestListener): Server {
  server.removeAllListeners('request');
  server.removeAllListeners('checkContinue');
  server.on('request', listener);
  server.on('checkContinue', listener);
  owned.add(server);
  return server;
}

export function edgeServer(listener: RequestListener): Server {
  return attachEdge(createServer(), listener);
}

/**
 * In a deployed function the process is functions-framework's (the Cloud Run functions buildpack starts
 * `functions-framework --target=<name>`), whose express app reads every body (up to 1024 MB) before user code runs.
 * Node publishes `http.server.request.start` synchronously before it emits `request`, so the first request of any
 * server not yet owned hands that server to the edge before express sees it, and so does every later one.
 */
export function takeOverServers(listenerFor: () => RequestListener): void {
  subscribe('http.server.request.start', (message) => {
    const { server } = message as { server: Server };
    if (owned.has(server)) return;
    attachEdge(server, listenerFor());
  });
}

/** Listens on host:port, or fails with PORT_IN_USE naming the port. */
export function listen(server: Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (e: NodeJS.ErrnoException): void => {
      server.off('listening', onListening);
      reject(
        e.code === 'EADDRINUSE'
          ? new FraudflowError('PORT_IN_USE', `port ${port} on ${host} is in use (another fraudflow dev?)`, { port })
          : new FraudflowError('INTERNAL', `cannot listen on ${host}:${port}: ${e.message}`, { port }, { cause: e }),
      );
    };
    const onListening = (): void => {
      server.off('error', onError);
      const address = server.address();
      resolve(typeof address === 'object' && address ? address.port : port);
    };
    server.once('error', onError);
    server.once('listening', onListening);
    server.listen(port, host);
  });
}

/** Stops accepting, closes idle keep-alive connections at once, and the rest after `graceMs`. */
export function closeServer(server: Server, graceMs = 5000): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => server.closeAllConnections(), graceMs);
    // Not unref'd: a connection still open at the deadline is closed, and close() completes (an unref'd timer could leave
    // the process with nothing to wait on and a close that never completes).
    server.close(() => {
      clearTimeout(timer);
      resolve();
    });
    server.closeIdleConnections();
  });
}
