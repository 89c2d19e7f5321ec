// The DuckDB warehouse on a real file: tables from the zod schemas, idempotent appends, queries streamed back.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DuckDbWarehouse } from '../../shared/warehouse/duckdb.ts';
import { queryAll } from '../../shared/warehouse/port.ts';
import { TABLES } from '../../shared/warehouse/tables.ts';
import { columnsOf } from '../../shared/schema/columns.ts';
import { KaggleTransaction } from '../../shared/schema/kaggle.ts';
import { tempDir } from '../helpers/tmp.ts';

const dir = tempDir('fraudflow-duckdb-');
let w: DuckDbWarehouse;
beforeAll(async () => {
  w = await DuckDbWarehouse.open(join(dir.path, 'w.duckdb'));
  await w.ensureTables();
});
afterAll(async () => {
  await w.close();
  dir.cleanup();
});

const tx = (i: number) => ({
  id: i.toString(16).padStart(32, '0'), schema_name: 'kaggle', schema_version: 1, source_file: 'f.csv', source_line: i + 2,
  ingested_at: '2026-11-25T10:00:00.000Z', Time: i, V1: -1.5, Amount: 12.5, Class: i % 2,
});

describe('DuckDB warehouse', () => {
  it('creates every table with the columns generated from the zod schemas', async () => {
    for (const t of Object.values(TABLES)) {
      const cols = await queryAll(w, `select column_name from information_schema.columns where table_name = '${t.name}' order by ordinal_position`);
      expect(cols.map((c) => c.column_name)).toEqual(t.columns.map((c) => c.name));
    }
    const kaggle = columnsOf(KaggleTransaction).map((c) => c.name);
    for (const name of kaggle) expect(TABLES.transactions.columns.some((c) => c.name === name)).toBe(true);
  });

  it('appends rows once: the same ids appended again, or twice in one batch, change nothing', async () => {
    const rows = Array.from({ length: 5000 }, (_, i) => tx(i));
    expect(await w.append('transactions', rows)).toEqual({ table: 'transactions', received: 5000, inserted: 5000, duplicates: 0 });
    expect(await w.append('transactions', [...rows.slice(0, 10), tx(5000), tx(5000)])).toEqual({ table: 'transactions', received: 12, inserted: 1, duplicates: 11 });
    const [n] = await queryAll(w, 'select count(*)::INTEGER as n, count(distinct id)::INTEGER as ids, sum("Class")::INTEGER as frauds from transactions');
    expect(n).toEqual({ n: 5001, ids: 5001, frauds: 2500 });
  });

  it('keeps timestamps as UTC instants and JSON columns as text', async () => {
    await w.append('dead_letters', [{ id: 'a'.repeat(32), topic: 't.dlq', file: 'f', line: 3, raw: 'x', raw_truncated: false, raw_bytes: 1, reasons: ['bad', 'worse'], schema: null, rejected_at: '2026-11-25T10:00:00.000Z' }]);
    const [row] = await queryAll(w, `select epoch_ms(rejected_at)::BIGINT as ms, reasons from dead_letters`);
    expect(Number(row!.ms)).toBe(Date.parse('2026-11-25T10:00:00.000Z'));
    expect(JSON.parse(String(row!.reasons))).toEqual(['bad', 'worse']);
  });

  it('reports a bad query as a typed input error', async () => {
    await expect(queryAll(w, 'select nope from nowhere')).rejects.toMatchObject({ code: 'INPUT_INVALID' });
  });

  it('rolls back a failed append whole', async () => {
    const bad = [tx(9000), { ...tx(9001), Amount: 'not a number' }];
    await expect(w.append('transactions', bad)).rejects.toMatchObject({ code: 'WAREHOUSE_FAILED' });
    const [n] = await queryAll(w, `select count(*)::INTEGER as n from transactions where source_line >= 9002`);
    expect(n!.n).toBe(0);
  });
});
