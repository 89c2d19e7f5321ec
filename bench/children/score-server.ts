// Bench child: one function on 127.0.0.1: `score` (the real function behind the HTTP edge, FRAUDFLOW_* env) or
// `baseline` (a bare functions-framework handler that answers a constant). Prints {"port": n} once listening; stops on SIGTERM.
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import * as ff from '@google-cloud/functions-framework';
import { getTestServer } from '@google-cloud/functions-framework/testing';

const which = process.argv[2];
let server: Server;
if (which === 'baseline') {
  ff.http('baseline', (_req, res) => {
    res.status(200).json({ transaction_id: 'constant', probability: 0.01, verdict: 'legit' });
  });
  server = getTestServer(which);
} else if (which === 'score') {
  const { scoreRoute } = await import('../../functions/score/index.ts');
  const { edgeListener } = await import('../../shared/http/guard.ts');
  const { edgeServer } = await import('../../shared/http/server.ts');
  const { silentLogger } = await import('../../shared/logger.ts');
  server = edgeServer(edgeListener(scoreRoute, silentLogger));
} else {
  throw new Error(`usage: score-server.ts baseline|score (got ${which})`);
}
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
process.stdout.write(JSON.stringify({ port: (server.address() as AddressInfo).port }) + '\n');
for (const signal of ['SIGTERM', 'SIGINT'] as const) process.once(signal, () => server.close(() => process.exit(0)));
