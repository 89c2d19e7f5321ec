// Writes a batch; when the warehouse refuses the data itself, splits it until each refused message stands alone.
import { FraudflowError } from '../../shared/errors.ts';
import type { AppendResult } from '../../shared/warehouse/port.ts';

export interface Written {
  inserted: number;
  duplicates: number;
}

/**
 * `write` all of `items`; on WAREHOUSE_REJECTED the batch is halved and each half written on its own, down to
 * single items, which go to `refused` with the warehouse's reason. Any other error (an outage) is thrown as it is:
 * nothing is dead-lettered for what a retry can fix. A crash midway is safe: the offsets are committed after, ids dedupe.
 */
export async function writeIsolating<T>(
  items: readonly T[],
  write: (items: readonly T[]) => Promise<AppendResult>,
  refused: (item: T, reason: string) => void,
): Promise<Written> {
  const total: Written = { inserted: 0, duplicates: 0 };
  const go = async (part: readonly T[]): Promise<void> => {
    if (part.length === 0) return;
    try {
      const r = await write(part);
      total.inserted += r.inserted;
      total.duplicates += r.duplicates;
    } catch (e) {
      if (!(e instanceof FraudflowError) || e.code !== 'WAREHOUSE_REJECTED') throw e;
      if (part.length === 1) {
        refused(part[0]!, e.message);
        return;
      }
      const mid = part.length >>> 1;
      await go(part.slice(0, mid));
      await go(part.slice(mid));
    }
  };
  await go(items);
  return total;
}
