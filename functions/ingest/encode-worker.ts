// Worker thread of the encoder pool: detects the format from the header once, then encodes blocks of records.
import { parentPort } from 'node:worker_threads';
import { detectFormat, type DetectedFormat } from '../../shared/schema/formats.ts';
import { encodeRecords, type Limits, type RecordIn } from './encode.ts';

/** What crosses to a worker: mostly whole blocks of lines (one string each), cheap to copy. */
export interface EncodeTask {
  readonly seq: number;
  readonly header: string[];
  readonly file: string;
  readonly ingestedAt: string;
  readonly limits: Limits;
  readonly records: RecordIn[];
}

let cached: { key: string; detected: DetectedFormat } | undefined;

parentPort?.on('message', (task: EncodeTask) => {
  try {
    const key = `${task.file}\u0000${task.header.join(',')}`;
    if (cached?.key !== key) cached = { key, detected: detectFormat(task.header, task.file) };
    const block = encodeRecords(cached.detected, task.records, task.file, task.ingestedAt, task.limits);
    parentPort!.postMessage({ seq: task.seq, block }, [
      block.values.buffer as ArrayBuffer,
      block.ends.buffer as ArrayBuffer,
    ]);
  } catch (e) {
    parentPort!.postMessage({ seq: task.seq, error: e instanceof Error ? e.message : String(e) });
  }
});
