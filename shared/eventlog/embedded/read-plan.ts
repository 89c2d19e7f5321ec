// Which batches a read of one partition takes from an offset: each found by the offset it must start at, so a batch
// that another process commits between two index lookups is read, never stepped over.
import { FraudflowError } from '../../errors.ts';
import type { Statements } from './statements.ts';

/** One committed batch of a partition, its offsets `first` .. `first + count - 1`. */
export interface IndexedBatch {
  readonly first: number;
  readonly count: number;
  readonly ts: number;
  readonly pos: number;
  readonly len: number;
}

/** One partition's batch index as it is committed at the moment of each call (another process may add to it). */
export interface BatchIndex {
  /** The batch whose offsets include `offset`, or the last one before it. */
  atOrBefore(offset: number): IndexedBatch | undefined;
  /** Up to `n` batches in offset order from the one starting exactly at `offset` (none while it is uncommitted). */
  startingFrom(offset: number, n: number): IndexedBatch[];
}

/** Messages `skip` .. `skip + take - 1` of `batch`. */
export interface BatchSlice {
  readonly batch: IndexedBatch;
  readonly skip: number;
  readonly take: number;
}

/** A batch's index key: (partition row id << 40) + its first offset. */
export const OFFSET_BITS = 2 ** 40;

/** The index rows of the partition whose row id is `partitionId`. */
export function sqliteBatchIndex(stmts: Statements, partitionId: number): BatchIndex {
  const base = partitionId * OFFSET_BITS;
  const of = (b: { rid: number; count: number; ts: number; pos: number; len: number }): IndexedBatch => ({
    first: b.rid - base,
    count: b.count,
    ts: b.ts,
    pos: b.pos,
    len: b.len,
  });
  return {
    atOrBefore(offset) {
      const b = stmts.batchAt.get(base + offset, base);
      return b && of(b);
    },
    startingFrom: (offset, n) => stmts.batchesFrom.all(base + offset, base + OFFSET_BITS, n).map(of),
  };
}

/**
 * Up to `limit` messages from `from`, as slices of consecutive batches. Batches commit in offset order, so the next
 * one starts exactly where the last ended; asking for "any batch after the reader's offset" instead would step over
 * the batch starting at it when that one and a later one commit between the two lookups (a record never read).
 */
export function planRead(index: BatchIndex, from: number, limit: number): BatchSlice[] {
  const out: BatchSlice[] = [];
  let next = from;
  let left = limit;
  const add = (batch: IndexedBatch, skip: number): void => {
    const take = Math.min(batch.count - skip, left);
    out.push({ batch, skip, take });
    left -= take;
    next = batch.first + skip + take;
  };
  const holding = index.atOrBefore(from);
  if (holding && holding.first + holding.count > from && left > 0) add(holding, from - holding.first);
  while (left > 0) {
    const batches = index.startingFrom(next, 4);
    if (batches.length === 0) break;
    for (const b of batches) {
      if (left <= 0) break;
      if (b.first !== next)
        throw new FraudflowError('EVENTLOG_FAILED', `the embedded log's index has no batch at offset ${next}`, {
          expected: next,
          found: b.first,
        });
      add(b, 0);
    }
  }
  return out;
}
