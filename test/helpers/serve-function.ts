// A function registered with functions-framework, served on 127.0.0.1 as the cloud would call it; stopped with the process runtime.
import type { AddressInfo } from 'node:net';

export interface Served {
  readonly url: string;
  /** Closes the server, then the process runtime the function used. */
  stop(): Promise<void>;
}

/** `name` must already be registered (import its functions/<name>/index.ts first). */
export async function serveFunction(name: string): Promise<Served> {
  const { getTestServer } = await import('@google-cloud/functions-framework/testing');
  const server = getTestServer(name);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`,
    async stop() {
      await new Promise((resolve) => server.close(resolve));
      const { processRuntime } = await import('../../shared/runtime.ts');
      await processRuntime().close();
    },
  };
}
