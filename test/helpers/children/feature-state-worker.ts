// Child process for the concurrency tests: one scorer instance on the shared Redis feature state. Reads JSON lines of
// batches from stdin ({ops: [{score: tx} | {label: [id, 0|1]}]}), runs them in order, answers one line per batch.
import { createInterface } from 'node:readline';
import { computeAndRecord, type RawTx } from '../../../shared/features/raw/compute.ts';
import { RedisFeatureState } from '../../../shared/features/raw/redis/redis-state.ts';
import { ioredisLink } from '../../../shared/features/raw/redis/ioredis-link.ts';

const [url, namespace] = process.argv.slice(2);
const u = new URL(url!);
const state = new RedisFeatureState(ioredisLink({ host: u.hostname, port: Number(u.port), tls: false, db: 0 }), {
  namespace: namespace!,
});
type Op = { score: RawTx } | { label: [string, 0 | 1] };
for await (const line of createInterface({ input: process.stdin })) {
  const { ops } = JSON.parse(line) as { ops: Op[] };
  const scored: Array<[string, number[]]> = [];
  for (const op of ops) {
    if ('score' in op) scored.push([op.score.transaction_id, await computeAndRecord(op.score, state)]);
    else await state.setLabel(op.label[0], op.label[1]);
  }
  process.stdout.write(JSON.stringify({ scored }) + '\n');
}
await state.close();
