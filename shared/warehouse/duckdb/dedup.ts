// The DuckDB warehouse's record of ids already stored: one 128-bit integer per row, so the dedupe scan is narrow.
import type { DuckDBConnection } from '@duckdb/node-api';
import type { TableDef } from '../tables.ts';

/**
 * Every id is 32 hex digits (a message id, a dead letter's, a poison row's): two 64-bit halves make a UHUGEINT with
 * nothing lost, so a match on it is a match on the id. The anti-join of each batch scans this one 16-byte column
 * instead of the table's 32-character id strings: memory and time per batch grow with the table, by a smaller step.
 */
export const keyOf = (column: string): string =>
  `CASE WHEN regexp_full_match(${column}, '[0-9a-f]{32}') THEN ` +
  `((('0x' || substr(${column}, 1, 16))::UBIGINT::UHUGEINT << 64) | ('0x' || substr(${column}, 17, 16))::UBIGINT::UHUGEINT) ` +
  // Ids of another shape (none is written now; an old warehouse or a hand-made row may hold one): their MD5.
  `ELSE md5_number(${column})::UHUGEINT END`;

export const keyTableOf = (table: string): string => `_ids_${table}`;

/** Creates the key table; fills it from the table when it does not hold one key per row (a warehouse made before it). */
export async function ensureKeyTable(db: DuckDBConnection, def: TableDef): Promise<void> {
  const keys = keyTableOf(def.name);
  await db.run(`CREATE TABLE IF NOT EXISTS ${keys} (k UHUGEINT NOT NULL)`);
  const counts = await db.runAndReadAll(`SELECT (SELECT count(*) FROM ${def.name}), (SELECT count(*) FROM ${keys})`);
  const [rows, known] = counts.getRows()[0]!;
  if (rows === known) return;
  await db.run('BEGIN TRANSACTION');
  try {
    await db.run(`DELETE FROM ${keys}`);
    await db.run(`INSERT INTO ${keys} SELECT DISTINCT ${keyOf(`"${def.idColumn}"`)} FROM ${def.name}`);
    await db.run('COMMIT');
  } catch (e) {
    await db.run('ROLLBACK').catch(() => undefined);
    throw e;
  }
}

/**
 * Inside the caller's transaction: the rows of `source` (first of each id) whose id is not stored yet go into a temp
 * table, then into the table (`insert` names the columns, reading from `s`) and their keys into the key table.
 * Returns how many rows were inserted.
 */
export async function insertFresh(
  db: DuckDBConnection,
  def: TableDef,
  source: string,
  insert: (from: string) => string,
): Promise<number> {
  const fresh = `fresh_${def.name}`;
  const id = `"${def.idColumn}"`;
  await db.run(
    `CREATE OR REPLACE TEMP TABLE ${fresh} AS SELECT * FROM (SELECT DISTINCT ON (${id}) * FROM ${source}) s ` +
      `WHERE NOT EXISTS (SELECT 1 FROM ${keyTableOf(def.name)} k WHERE k.k = ${keyOf(`s.${id}`)})`,
  );
  const result = await db.run(insert(`${fresh} s`));
  await db.run(`INSERT INTO ${keyTableOf(def.name)} SELECT ${keyOf(id)} FROM ${fresh}`);
  await db.run(`DROP TABLE ${fresh}`);
  return Number(result.rowsChanged);
}
