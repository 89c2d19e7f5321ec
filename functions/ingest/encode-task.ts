// The message a block of records travels in to an encoder worker, and its packing both ways.
import type { RecordIn } from './encode.ts';

/**
 * Records cross the thread boundary as one string plus their line numbers (much cheaper to copy than objects);
 * `records` is used instead when some record holds a line break (a quoted field spanning lines).
 */
export interface EncodeTask {
  readonly seq: number;
  readonly header: string[];
  readonly file: string;
  readonly ingestedAt: string;
  readonly joined?: { text: string; lines: Int32Array };
  readonly records?: RecordIn[];
}

export function packRecords(records: readonly RecordIn[]): Pick<EncodeTask, 'joined' | 'records'> {
  const raws = new Array<string>(records.length);
  const lines = new Int32Array(records.length);
  for (let i = 0; i < records.length; i++) {
    const r = records[i]!;
    if (r.raw.includes('\n')) return { records: records.map((x) => ({ line: x.line, raw: x.raw })) };
    raws[i] = r.raw;
    lines[i] = r.line;
  }
  return { joined: { text: raws.join('\n'), lines } };
}

export function unpackRecords(task: EncodeTask): RecordIn[] {
  if (task.records) return task.records;
  const { text, lines } = task.joined!;
  const raws = text.split('\n');
  return raws.map((raw, i) => ({ line: lines[i]!, raw }));
}

