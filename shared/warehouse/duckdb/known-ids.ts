// The ids each table holds, kept in memory by the DuckDB adapter: a batch of new ids is deduped without a scan of the table.
import { endianness } from 'node:os';
import type { DuckDBConnection, DuckDBVector } from '@duckdb/node-api';
import { TABLES, type TableName } from '../tables.ts';
import { IdPrefixSet } from './id-set.ts';

interface Entry {
  readonly ids: IdPrefixSet;
  /** The table's row count the set was built for (plus the rows inserted since): another count means another writer. */
  rows: number;
}

/** A batch's ids checked against the table's: `fresh` when none can be there already (then no anti-join is needed). */
export interface Checked {
  readonly fresh: boolean;
  readonly entry: Entry;
  readonly prefixes: ReadonlyArray<readonly [number, number]> | null;
}

/**
 * One writer holds the DuckDB file (its lock), and every write of this adapter goes through `check` and `added`, so the set
 * holds every id of the table. A write it did not see (SQL through `query`) makes the adapter call `forget`; the row count,
 * read in the batch's own transaction, catches any other. Either way the set is rebuilt from the table, once.
 */
export class KnownIds {
  private readonly entries = new Map<TableName, Entry>();
  constructor(private readonly db: DuckDBConnection) {}

  forget(): void {
    this.entries.clear();
  }

  /** Inside the batch's transaction, before its INSERT: `prefixes` of the batch's ids (null where one is not a message id). */
  async check(table: TableName, prefixes: ReadonlyArray<readonly [number, number] | null>): Promise<Checked> {
    const rows = await this.rowCount(table);
    let entry = this.entries.get(table);
    if (!entry || entry.rows !== rows) {
      entry = { ids: rows === 0 ? new IdPrefixSet() : await this.load(table), rows };
      this.entries.set(table, entry);
    }
    let fresh = true;
    for (const p of prefixes) {
      if (p === null) return { fresh: false, entry, prefixes: null };
      if (fresh && entry.ids.has(p[0], p[1])) fresh = false;
    }
    return { fresh, entry, prefixes: prefixes as ReadonlyArray<readonly [number, number]> };
  }

  /** After the batch's COMMIT: its ids are in the table now. */
  added(table: TableName, checked: Checked, inserted: number): void {
    if (checked.prefixes === null) {
      this.entries.delete(table);
      return;
    }
    for (const [hi, lo] of checked.prefixes) checked.entry.ids.add(hi, lo);
    checked.entry.rows += inserted;
  }

  private async rowCount(table: TableName): Promise<number> {
    const reader = await this.db.runAndReadAll(`SELECT count(*)::DOUBLE FROM ${table}`);
    return Number(reader.getRows()[0]![0]);
  }

  private async load(table: TableName): Promise<IdPrefixSet> {
    const set = new IdPrefixSet();
    const id = `"${TABLES[table].idColumn}"`;
    // One cast of the first 16 hex digits (two casts of 8 took twice as long); an id that is not hex reads NULL and is
    // left out: no message id (32 hex digits) can equal it.
    const result = await this.db.stream(
      `SELECT p FROM (SELECT TRY_CAST(('0x' || substr(${id}, 1, 16)) AS UBIGINT) AS p FROM ${table}) WHERE p IS NOT NULL`,
    );
    for (;;) {
      const chunk = await result.fetchChunk();
      if (!chunk || chunk.rowCount === 0) break;
      addPrefixes(set, chunk.getColumnVector(0), chunk.rowCount);
    }
    return set;
  }
}

const LITTLE_ENDIAN = endianness() === 'LE';

/** The vector's values (no NULLs) added as [high, low] halves: from its memory when it exposes it, else one by one. */
function addPrefixes(set: IdPrefixSet, vector: DuckDBVector, count: number): void {
  const items = (vector as unknown as { items?: unknown }).items;
  if (LITTLE_ENDIAN && items instanceof BigUint64Array && items.length === count) {
    // Read as 32-bit words: on a little-endian machine the low word comes first.
    const words = new Uint32Array(items.buffer, items.byteOffset, count * 2);
    for (let i = 0; i < count; i++) set.add(words[2 * i + 1]!, words[2 * i]!);
    return;
  }
  for (let i = 0; i < count; i++) {
    const v = vector.getItem(i) as bigint;
    set.add(Number(v >> 32n), Number(v & 0xffffffffn));
  }
}
