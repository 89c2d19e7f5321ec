// The DuckDB adapter's row path stages each batch in a temp table it drops after: staged rows do not pile up in memory.
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DuckDbWarehouse } from '../../shared/warehouse/duckdb/duckdb.ts';
import { queryAll, type Row } from '../../shared/warehouse/port.ts';
import { tempDir } from '../helpers/tmp.ts';

const dir = tempDir('fraudflow-stage-memory-');
afterAll(() => dir.cleanup());

const label = (n: number): Row => ({
  id: n.toString(16).padStart(32, '0'),
  schema_name: 'label',
  schema_version: 1,
  source_file: 'review',
  source_line: n,
  ingested_at: '2026-12-01T10:00:00.000Z',
  transaction_id: `tx-${n}-${'x'.repeat(100)}`,
  label: n % 2,
  source: 'review',
  labelled_at: '2026-12-01T10:00:00Z',
  labelled_by: 'ana@example.com',
});

/** DuckDB's memory of temp tables and rows not yet checkpointed, once the committed rows are checkpointed. */
async function inMemoryTablesAfterCheckpoint(w: DuckDbWarehouse): Promise<number> {
  await queryAll(w, 'CHECKPOINT');
  const [r] = await queryAll(
    w,
    `SELECT coalesce(sum(memory_usage_bytes + temporary_storage_bytes), 0)::DOUBLE AS b FROM duckdb_memory() WHERE tag = 'IN_MEMORY_TABLE'`,
  );
  return Number(r!.b);
}

describe('DuckDB row appends', () => {
  it('leave no staging table and no staged rows in memory after 15 batches of 2,000 rows, or after a refused one', async () => {
    const w = await DuckDbWarehouse.open(join(dir.path, 'w.duckdb'));
    try {
      await w.ensureTables();
      for (let b = 0; b < 15; b++) {
        const result = await w.append(
          'labels',
          Array.from({ length: 2000 }, (_, i) => label(b * 2000 + i)),
        );
        expect(result.inserted).toBe(2000);
      }
      await expect(w.append('labels', [{ ...label(1), source_line: 'not a number' }])).rejects.toMatchObject({
        code: 'WAREHOUSE_REJECTED',
      });
      const temps = await queryAll(w, 'SELECT table_name FROM duckdb_tables() WHERE temporary');
      expect(temps).toEqual([]);
      // 30,000 staged rows of ~200 bytes: a staging table reused with DELETE kept them all (several MB) here.
      expect(await inMemoryTablesAfterCheckpoint(w)).toBeLessThan(1 << 20);
      const [count] = await queryAll(w, 'SELECT count(*)::INT AS n, count(DISTINCT id)::INT AS d FROM labels');
      expect(count).toEqual({ n: 30_000, d: 30_000 });
    } finally {
      await w.close();
    }
  });
});
