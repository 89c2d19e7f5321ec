// Bench child: event-to-verdict latency. Starts `fraudflow score-stream --follow` as its own process, produces Kaggle
// transactions to `transactions` at a steady rate, and times each until its verdict can be read from `verdicts`.
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { loadConfig } from '../../shared/config.ts';
import { createRuntime } from '../../shared/runtime.ts';
import { createLogger } from '../../shared/logger.ts';
import { kaggleRecords } from '../../shared/synth/kaggle.ts';
import { KAGGLE_SCHEMA } from '../../shared/schema/kaggle.ts';
import { contentId } from '../../shared/schema/formats.ts';
import { TOPICS } from '../../shared/topics.ts';

const events = Number(process.argv[2] ?? 3000);
const RATE = 200; // per second
const rt = createRuntime(loadConfig(), createLogger({ level: 'ERROR' }));
const log = await rt.eventLog();
const run = randomUUID().slice(0, 8);

// The reader of verdicts starts at the end of the topic: only this run's verdicts count.
const reader = await log.consumer(`bench-e2v-${run}`, TOPICS.verdicts);
await reader.poll({ maxRecords: 1, maxWaitMs: 200 });
await reader.commit(
  (await log.describeTopic(TOPICS.verdicts)).partitions.map((p) => ({
    partition: p.partition,
    offset: p.highWatermark,
  })),
);
await reader.close();
const verdicts = await log.consumer(`bench-e2v-${run}`, TOPICS.verdicts);

const follower = spawn(
  process.execPath,
  [join(import.meta.dirname, '../../bin/fraudflow.js'), 'score-stream', '--follow', '--json'],
  { env: process.env, stdio: ['ignore', 'ignore', 'inherit'] },
);
const records = [...kaggleRecords(events + 1, 5)];
const sent = new Map<string, number>();
const latencies: number[] = [];
const produce = async (i: number) => {
  const { Class: _label, ...payload } = records[i]!;
  const id = contentId(`bench-e2v:${run}:${i}`);
  sent.set(id, performance.now());
  await log.produce(TOPICS.transactions, [
    {
      key: id,
      value: JSON.stringify({
        id,
        schema: KAGGLE_SCHEMA,
        source: { file: 'bench', line: i + 1 },
        ingested_at: new Date().toISOString(),
        payload,
      }),
    },
  ]);
  return id;
};
const receive = async (until: () => boolean, timeoutMs: number) => {
  const deadline = Date.now() + timeoutMs;
  while (!until() && Date.now() < deadline) {
    for (const r of await verdicts.poll({ maxRecords: 1000, maxWaitMs: 5 })) {
      const at = performance.now();
      const id = (JSON.parse(r.value.toString()) as { payload: { transaction_id: string } }).payload.transaction_id;
      const t0 = sent.get(id);
      if (t0 !== undefined) {
        latencies.push(at - t0);
        sent.delete(id);
      }
    }
  }
};

// Warm-up: the follower has started and loaded the model once its first verdict arrives.
await produce(events);
await receive(() => sent.size === 0, 60_000);
if (sent.size) throw new Error('bench: score-stream --follow did not answer the warm-up event within 60 s');
latencies.length = 0;

const started = performance.now();
let produced = 0;
const producer = (async () => {
  for (let i = 0; i < events; i++) {
    const due = started + (i * 1000) / RATE;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    await produce(i);
    produced++;
  }
})();
await receive(() => produced === events && sent.size === 0, (events / RATE) * 1000 + 30_000);
await producer;
const exited = new Promise((resolve) => follower.once('exit', resolve));
follower.kill('SIGTERM');
await exited;
await verdicts.close();
await rt.close();
if (latencies.length !== events)
  throw new Error(`bench: ${events - latencies.length} of ${events} events got no verdict`);
latencies.sort((a, b) => a - b);
const q = (p: number) =>
  Number(latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))]!.toFixed(1));
process.stdout.write(JSON.stringify({ events, rate: RATE, p50: q(0.5), p99: q(0.99), max: q(1) }) + '\n');
