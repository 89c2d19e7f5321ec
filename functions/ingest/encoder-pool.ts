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

/** A pool of `size` workers; blocks go round-robin, each worker answers in order, so replies can be matched by seq. */
export function workerEncoder(size: number): Encoder {
  const entry = new URL(`./encode-worker${import.meta.url.endsWith('.js') ? '.js' : '.ts'}`, import.meta.url);
  // Run from TypeScript sources, a worker needs the tsx loader too: a small JS boot file registers it.
  const boot = entry.pathname.endsWith('.ts') ? new URL('../../bin/ts-worker.js', import.meta.url) : entry;
  const waiting = new Map<number, { resolve: (b: EncodedBlock) => void; reject: (e: Error) => void }>();
  const workers = Array.from({ length: size }, () => {
    const w = new Worker(boot, { workerData: { entry: entry.href } });
    w.on('message', (reply: Reply) => {
      const p = waiting.get(reply.seq);
      if (!p) return;
      waiting.delete(reply.seq);
      if (reply.block)
        p.resolve({
          ...reply.block,
          values: Buffer.from(reply.block.values.buffer, reply.block.values.byteOffset, reply.block.values.byteLength),
        });
      else p.reject(new FraudflowError('INTERNAL', `ingest encoder worker failed: ${reply.error}`));
    });
    w.on('error', (e) => {
      for (const p of waiting.values())
        p.reject(new FraudflowError('INTERNAL', `ingest encoder worker crashed: ${e.message}`, {}, { cause: e }));
      waiting.clear();
    });
    return w;
  });
  let seq = 0;
  return {
    depth: size * 4,
    takesBlocks: true,
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
        waiting.set(task.seq, { resolve, reject });
        workers[task.seq % size]!.postMessage(task);
      });
    },
    async close() {
      await Promise.all(workers.map((w) => w.terminate()));
    },
  };
}
