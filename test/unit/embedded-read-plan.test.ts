// The embedded log's read plan: which batches a read takes when another process commits batches between its lookups.
import { describe, expect, it } from 'vitest';
import { planRead, type BatchIndex, type IndexedBatch } from '../../shared/eventlog/embedded/read-plan.ts';

/** An index held in memory; `afterLookup` runs once the first lookup has answered (another process committing). */
function memoryIndex(counts: number[], afterLookup?: (commit: (count: number) => void) => void): BatchIndex {
  const batches: IndexedBatch[] = [];
  const commit = (count: number) => {
    const last = batches.at(-1);
    batches.push({ first: last ? last.first + last.count : 0, count, ts: 0, pos: 0, len: 0 });
  };
  counts.forEach(commit);
  let looked = false;
  const answered = <T>(answer: T): T => {
    if (!looked && afterLookup) afterLookup(commit);
    looked = true;
    return answer;
  };
  return {
    atOrBefore: (offset) => answered(batches.findLast((b) => b.first <= offset)),
    startingFrom: (offset, n) => answered(batches.filter((b) => b.first >= offset).slice(0, n)),
  };
}

const offsets = (slices: ReturnType<typeof planRead>) =>
  slices.flatMap((s) => Array.from({ length: s.take }, (_, i) => s.batch.first + s.skip + i));

describe('embedded log read plan', () => {
  it('reads the batch starting at its offset when it and a later one commit between the two lookups', () => {
    // The reader has read offsets 0-9 and looks again; two one-message produces commit right after its first lookup.
    const index = memoryIndex([10], (commit) => {
      commit(1);
      commit(1);
    });
    expect(offsets(planRead(index, 10, 100))).toEqual([10, 11]);
  });

  it('reads from inside a batch, across batches, and stops at the limit', () => {
    const index = memoryIndex([3, 1, 4, 2]);
    expect(offsets(planRead(index, 1, 5))).toEqual([1, 2, 3, 4, 5]);
    expect(offsets(planRead(index, 6, 100))).toEqual([6, 7, 8, 9]);
    expect(offsets(planRead(index, 10, 100))).toEqual([]);
  });

  it('refuses an index with a hole instead of stepping over it', () => {
    const index: BatchIndex = {
      atOrBefore: () => ({ first: 0, count: 2, ts: 0, pos: 0, len: 0 }),
      startingFrom: () => [{ first: 3, count: 1, ts: 0, pos: 0, len: 0 }],
    };
    expect(() => planRead(index, 2, 10)).toThrow(/no batch at offset 2/);
  });
});
