// Encodes record blocks on worker threads (or in this thread when there are none), results in submission order.
import { Worker } from 'node:worker_threads';
import { FraudflowError } from '../../shared/errors.ts';
import type { DetectedFormat } from '../../shared/schema/formats.ts';
import { encodeRecords, type EncodedBlock, type Limits, type RecordIn } from './encode.ts';
import type { EncodeTask } from './encode-worker.ts';

export interface Encoder {
  encode(
    detected: DetectedFormat,
    header: string[],
    records: RecordIn[],
    file: string,
    ingestedAt: string,
    limits: Limits,
  ): Promise<EncodedBlock>;
  /** How many blocks may be in flight at once before the caller should wait for the oldest. */
  readonly depth: number;
  /** True when records may be handed over as whole unsplit blocks (they are cut on the other side). */
  readonly takesBlocks: boolean;
  close(): Promise<void>;
}

export const inlineEncoder: Encoder = {
  depth: 1,
  takesBlocks: false,
  encode: async (detected, _header, records, file, ingestedAt, limits) =>
    encodeRecords(detected, records, file, ingestedAt, limits),
  close: async () => undefined,
};

type Reply = { seq: number; block?: EncodedBlock; error?: string };

export interface WorkerEncoderOptions {
  /** Called with each worker as it starts (the first ones and every replacement): a test's handle to kill one. */
  readonly onWorker?: (worker: Worker) => void;
}

/** A block handed to a worker and not yet answered: kept so it can be handed again if that worker dies. */
interface Job {
  readonly task: EncodeTask;
  readonly slot: number;
  tries: number;
  readonly resolve: (b: EncodedBlock) => void;
  readonly reject: (e: Error) => void;
}

/**
 * A pool of `size` workers; blocks go round-robin, each worker answers in order, so replies can be matched by seq.
 * A worker that dies (crash, out of memory, terminated) is replaced at once and its unanswered blocks are handed
 * to the replacement; a block that kills two workers fails its file with a retriable error instead of hanging it.
 */
// eslint-disable-next-line max-lines-per-function -- the pool's worker lifecycle (start, hand over, replace on crash) shares its state in one closure
export function workerEncoder(
  size: number,
  options: WorkerEncoderOptions = {},
): Encoder & { readonly restarts: number } {
  const entry = new URL(`./encode-worker${import.meta.url.endsWith('.js') ? '.js' : '.ts'}`, import.meta.url);
  // Run from TypeScript sources, a worker needs the tsx loader too: a small JS boot file registers it.
  const boot = entry.pathname.endsWith('.ts') ? new URL('../../bin/ts-worker.js', import.meta.url) : entry;
  const jobs = new Map<number, Job>();
  const workers: Worker[] = [];
  let restarts = 0;
  let closing = false;
  const answer = (reply: Reply): void => {
    const job = jobs.get(reply.seq);
    if (!job) return;
    jobs.delete(reply.seq);
    if (reply.block)
      job.resolve({
        ...reply.block,
        values: Buffer.from(reply.block.values.buffer, reply.block.values.byteOffset, reply.block.values.byteLength),
      });
    else job.reject(new FraudflowError('INTERNAL', `ingest encoder worker failed: ${reply.error}`));
  };
  const spawn = (slot: number): void => {
    const w = new Worker(boot, { workerData: { entry: entry.href } });
    workers[slot] = w;
    w.on('message', answer);
    const died = (why: string, cause?: unknown): void => {
      if (closing || workers[slot] !== w) return; // 'error' then 'exit': replaced once
      restarts++;
      spawn(slot);
      for (const job of [...jobs.values()].filter((j) => j.slot === slot)) {
        if (job.tries >= 2) {
          jobs.delete(job.task.seq);
          job.reject(
            new FraudflowError(
              'INTERNAL',
              `ingest encoder worker died twice on the same block (${why})`,
              {},
              { cause, retriable: true },
            ),
          );
        } else {
          job.tries++;
          workers[slot]!.postMessage(job.task);
        }
      }
    };
    w.on('error', (e) => died(e.message, e));
    w.on('exit', (code) => died(`exited with code ${code}`));
    options.onWorker?.(w);
  };
  for (let slot = 0; slot < size; slot++) spawn(slot);
  let seq = 0;
  return {
    depth: size * 4,
    takesBlocks: true,
    get restarts() {
      return restarts;
    },
    encode(_detected, header, records, file, ingestedAt, limits) {
      const task: EncodeTask = {
        seq: seq++,
        header,
        file,
        ingestedAt,
        limits,
        records: records.map(({ line, raw, bytes, lines, error }) => ({ line, raw, bytes, lines, error })),
      };
      return new Promise<EncodedBlock>((resolve, reject) => {
        const slot = task.seq % size;
        jobs.set(task.seq, { task, slot, tries: 1, resolve, reject });
        workers[slot]!.postMessage(task);
      });
    },
    async close() {
      closing = true;
      for (const job of jobs.values()) job.reject(new FraudflowError('INTERNAL', 'ingest encoder pool closed'));
      jobs.clear();
      await Promise.all(workers.map((w) => w.terminate()));
    },
  };
}
