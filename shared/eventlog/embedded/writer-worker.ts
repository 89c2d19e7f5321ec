// The embedded log's writer thread: its own index connection and segment files; appends one produce per message, in order.
import { parentPort, workerData } from 'node:worker_threads';
import { openIndex, type ConnectionOptions } from './connection.ts';
import { appendBatches, type PartitionAppend } from './append.ts';
import { SegmentFiles } from './segments.ts';
import { prepareStatements } from './statements.ts';

export interface AppendTask {
  readonly seq: number;
  readonly appends: PartitionAppend[];
  readonly now: number;
}

export type WriterReply =
  | { seq: number; written: ReturnType<typeof appendBatches> }
  | { seq: number; error: { message: string; code?: string } }
  | { seq: -1; closed: true };

const options = (workerData as { options: ConnectionOptions }).options;
const db = openIndex(options);
const stmts = prepareStatements(db);
const segments = new SegmentFiles(`${options.path}.segments`, options.synchronous === 'FULL');
const append = db.transaction((task: AppendTask) => appendBatches(stmts, segments, task.appends, task.now));

parentPort!.on('message', (task: AppendTask | 'close') => {
  if (task === 'close') {
    db.close();
    segments.close();
    parentPort!.postMessage({ seq: -1, closed: true } satisfies WriterReply);
    return;
  }
  try {
    parentPort!.postMessage({ seq: task.seq, written: append.immediate(task) } satisfies WriterReply);
  } catch (e) {
    const error = { message: e instanceof Error ? e.message : String(e), code: (e as { code?: string }).code };
    parentPort!.postMessage({ seq: task.seq, error } satisfies WriterReply);
  }
});
