// The main thread's side of the writer thread: hands each produce over (its batches moved, not copied) and resolves
// once the thread has written, synced and committed it, so parsing goes on while a produce is made durable.
import { Worker } from 'node:worker_threads';
import { FraudflowError } from '../../errors.ts';
import type { ConnectionOptions } from './connection.ts';
import type { Appended, PartitionAppend } from './append.ts';
import type { AppendTask, WriterReply } from './writer-worker.ts';

interface Pending {
  readonly resolve: (written: Appended[]) => void;
  readonly reject: (e: unknown) => void;
}

export class WriterThread {
  private worker: Worker | undefined;
  private seq = 0;
  private readonly pending = new Map<number, Pending>();
  private readonly inflight = new Set<Promise<unknown>>();
  private closed: (() => void) | undefined;

  constructor(private readonly options: ConnectionOptions) {}

  /** Produces are taken in the order they are handed over: offsets follow call order. */
  append(topic: string, appends: PartitionAppend[], now: number): Promise<Appended[]> {
    const worker = this.worker ?? this.spawn();
    const task: AppendTask = { seq: this.seq++, appends, now };
    // A batch owning its whole ArrayBuffer is moved; a small one (a slice of Node's shared pool) is copied.
    const transfer = appends.flatMap((a) =>
      a.batches.filter((b) => b.byteOffset === 0 && b.byteLength === b.buffer.byteLength).map((b) => b.buffer),
    ) as ArrayBuffer[];
    const done = new Promise<Appended[]>((resolve, reject) => {
      this.pending.set(task.seq, {
        resolve,
        reject: (e) => reject(wrapWriterError(e, topic, this.options.path)),
      });
      worker.ref(); // a produce under way keeps the process alive until it is acknowledged
      worker.postMessage(task, transfer);
    });
    const settled = done.then(
      () => undefined,
      () => undefined,
    );
    this.inflight.add(settled);
    void settled.then(() => this.inflight.delete(settled));
    return done;
  }

  /** Waits for every produce handed over, then closes the thread's connection and ends it. */
  async close(): Promise<void> {
    const worker = this.worker;
    if (!worker) return;
    await Promise.all([...this.inflight]);
    if (this.worker !== worker) return; // it stopped meanwhile
    await new Promise<void>((resolve) => {
      this.closed = resolve;
      worker.ref();
      worker.postMessage('close');
    });
    this.worker = undefined;
    await worker.terminate();
  }

  private spawn(): Worker {
    const entry = new URL(`./writer-worker${import.meta.url.endsWith('.js') ? '.js' : '.ts'}`, import.meta.url);
    // Run from TypeScript sources, a worker needs the tsx loader too: a small JS boot file registers it.
    const boot = entry.pathname.endsWith('.ts') ? new URL('../../../bin/ts-worker.js', import.meta.url) : entry;
    const worker = new Worker(boot, { workerData: { entry: entry.href, options: this.options } });
    this.worker = worker;
    worker.on('message', (reply: WriterReply) => this.answer(reply));
    const died = (why: string, cause?: unknown): void => {
      if (this.worker !== worker) return;
      this.worker = undefined; // the next produce starts a new thread
      const e = new FraudflowError(
        'EVENTLOG_UNAVAILABLE',
        `the embedded log's writer thread stopped (${why})`,
        {},
        { cause, retriable: true },
      );
      for (const p of this.pending.values()) p.reject(e);
      this.pending.clear();
      this.closed?.();
    };
    worker.on('error', (e) => died(e.message, e));
    worker.on('exit', (code) => died(`exited with code ${code}`));
    return worker;
  }

  private answer(reply: WriterReply): void {
    if ('closed' in reply) {
      this.closed?.();
      return;
    }
    const p = this.pending.get(reply.seq);
    if (!p) return;
    this.pending.delete(reply.seq);
    if (this.pending.size === 0) this.worker?.unref();
    if ('written' in reply) p.resolve(reply.written);
    else p.reject(reply.error);
  }
}

function wrapWriterError(e: unknown, topic: string, path: string): FraudflowError {
  if (e instanceof FraudflowError) return e;
  const { message, code } = e as { message: string; code?: string };
  const busy = code === 'SQLITE_BUSY';
  return new FraudflowError(
    busy ? 'EVENTLOG_UNAVAILABLE' : 'EVENTLOG_FAILED',
    `embedded log produce on "${topic}" failed: ${message}`,
    { topic, path },
  );
}
