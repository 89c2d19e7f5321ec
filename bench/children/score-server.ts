// Bench child: one function on 127.0.0.1 under functions-framework: `score` (the real function, FRAUDFLOW_* env) or `baseline`
// (a bare handler that answers a constant). Prints {"port": n} once listening; stops on SIGTERM.
import type { AddressInfo } from 'node:net';
import * as ff from '@google-cloud/functions-framework';
import { getTestServer } from '@google-cloud/functions-framework/testing';

const which = process.argv[2];
if (which === 'baseline') {
  ff.http('baseline', (_req, res) => {
    res.status(200).json({ transaction_id: 'constant', probability: 0.01, verdict: 'legit' });
  });
} else if (which === 'score') {
  await import('../../functions/score/index.ts');
} else {
  throw new Error(`usage: score-server.ts baseline|score (got ${which})`);
}
const server = getTestServer(which);
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
process.stdout.write(JSON.stringify({ port: (server.address() as AddressInfo).port }) + '\n');
for (const signal of ['SIGTERM', 'SIGINT'] as const) process.once(signal, () => server.close(() => process.exit(0)));
