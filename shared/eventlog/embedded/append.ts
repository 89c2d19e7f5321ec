// One produce's write: each partition's encoded batches placed at the partition's end, then indexed, in one transaction.
import { encodeBatch } from './record-batch.ts';
import type { SegmentFiles } from './segments.ts';
import type { Statements } from './statements.ts';
import { OFFSET_BITS } from './read-plan.ts';
import type { OutgoingMessage } from '../port.ts';

const MAX_BATCH_MESSAGES = 20_000;
const MAX_BATCH_BYTES = 8 << 20;

/** One partition's share of a produce, already encoded as record batches (what crosses to the writer thread). */
export interface PartitionAppend {
  readonly rowId: number;
  readonly partition: number;
  readonly batches: Uint8Array[];
  readonly counts: number[];
}

export interface Appended {
  readonly partition: number;
  readonly firstOffset: number;
  readonly lastOffset: number;
  readonly count: number;
}

/** The messages of one partition as record batches of bounded size, encoded here (one copy of each value). */
export function encodeAppend(rowId: number, partition: number, list: readonly OutgoingMessage[]): PartitionAppend {
  const batches: Uint8Array[] = [];
  const counts: number[] = [];
  for (const chunk of chunks(list)) {
    batches.push(
      encodeBatch(
        chunk.map((m) => ({ key: m.key, value: m.value, headers: m.headers ? JSON.stringify(m.headers) : null })),
      ),
    );
    counts.push(chunk.length);
  }
  return { rowId, partition, batches, counts };
}

/**
 * Runs inside the caller's write transaction: a batch's bytes are written (and, with FULL, fdatasync'ed) before its
 * index row, and the index rows commit in offset order, so a reader never finds a batch after a gap.
 */
export function appendBatches(
  stmts: Statements,
  segments: SegmentFiles,
  appends: readonly PartitionAppend[],
  now: number,
): Appended[] {
  const written: Appended[] = [];
  for (const a of appends) {
    const state = stmts.nextOffset.get(a.rowId)!;
    const first = state.next_offset;
    let offset = first;
    let pos = state.end_pos;
    a.batches.forEach((data, k) => {
      segments.write(a.rowId, pos, data);
      stmts.insertBatch.run(a.rowId * OFFSET_BITS + offset, a.counts[k]!, now, pos, data.byteLength);
      offset += a.counts[k]!;
      pos += data.byteLength;
    });
    segments.flush(a.rowId);
    stmts.setNextOffset.run(offset, pos, a.rowId);
    written.push({ partition: a.partition, firstOffset: first, lastOffset: offset - 1, count: offset - first });
  }
  return written;
}

function* chunks(list: readonly OutgoingMessage[]): Generator<readonly OutgoingMessage[]> {
  let start = 0;
  let bytes = 0;
  for (let i = 0; i < list.length; i++) {
    const v = list[i]!.value;
    bytes += typeof v === 'string' ? v.length : v.byteLength;
    if (i - start + 1 >= MAX_BATCH_MESSAGES || bytes >= MAX_BATCH_BYTES) {
      yield list.slice(start, i + 1);
      start = i + 1;
      bytes = 0;
    }
  }
  if (start < list.length) yield list.slice(start);
}
