// The DuckDB warehouse on a real file: the warehouse contract, columns from the zod schemas, one process at a time.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DuckDbWarehouse } from '../../shared/warehouse/duckdb/duckdb.ts';
import { queryAll } from '../../shared/warehouse/port.ts';
import { TABLES } from '../../shared/warehouse/tables.ts';
import { columnsOf } from '../../shared/schema/columns.ts';
import { KaggleTransaction } from '../../shared/schema/kaggle.ts';
import { RawTransaction } from '../../shared/schema/raw.ts';
import { tempDir } from '../helpers/tmp.ts';
import { waitFor } from '../helpers/wait.ts';
import { warehouseContract } from './warehouse.contract.ts';

const dir = tempDir('fraudflow-duckdb-');
afterAll(() => dir.cleanup());
let n = 0;

warehouseContract('DuckDB file', () => DuckDbWarehouse.open(join(dir.path, `contract-${n++}.duckdb`)));

describe('DuckDB warehouse', () => {
  it('creates every table with the columns generated from the zod schemas, both transaction formats in one table', async () => {
    const w = await DuckDbWarehouse.open(join(dir.path, 'columns.duckdb'));
    await w.ensureTables();
    for (const t of Object.values(TABLES)) {
      const cols = await queryAll(
        w,
        `select column_name, data_type, is_nullable from information_schema.columns where table_name = '${t.name}' order by ordinal_position`,
      );
      expect(cols.map((c) => c.column_name)).toEqual(t.columns.map((c) => c.name));
      expect(cols.map((c) => c.is_nullable === 'YES')).toEqual(t.columns.map((c) => c.nullable));
    }
    const lower = new Set(TABLES.transactions.columns.map((c) => c.name.toLowerCase()));
    for (const c of [...columnsOf(KaggleTransaction), ...columnsOf(RawTransaction)])
      expect(lower.has(c.name.toLowerCase())).toBe(true);
    await w.close();
  });

  it('refuses a second process with a retriable WAREHOUSE_BUSY error, and opens once that process is gone', async () => {
    const path = join(dir.path, 'locked.duckdb');
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', join(import.meta.dirname, '../helpers/children/hold-warehouse.ts'), path],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    const exited = new Promise((resolve) => child.once('exit', resolve));
    try {
      await waitFor(() => out.includes('OPEN'), 'the child to open the warehouse', 30_000);
      await expect(DuckDbWarehouse.open(path)).rejects.toMatchObject({
        code: 'WAREHOUSE_BUSY',
        retriable: true,
        message: expect.stringMatching(/open in another process/),
      });
    } finally {
      child.kill('SIGKILL');
      await exited;
    }
    const w = await DuckDbWarehouse.open(path);
    expect(Number((await queryAll(w, 'select count(*) as n from transactions'))[0]!.n)).toBe(0);
    await w.close();
  });
});

describe('DuckDB warehouse made by an older version', () => {
  it('gains the nullable columns added since, old rows reading NULL there', async () => {
    const path = join(dir.path, 'old.duckdb');
    const old = await DuckDbWarehouse.open(path);
    const cols = TABLES.labels.columns.filter((c) => c.name !== 'labelled_by');
    await queryAll(old, `create table labels (${cols.map((c) => `"${c.name}" VARCHAR`).join(', ')})`);
    await queryAll(old, `insert into labels (id, transaction_id) values ('old-1', 'tx-old')`);
    await old.close();
    const w = await DuckDbWarehouse.open(path);
    await w.ensureTables();
    await w.append('labels', [
      {
        id: 'a'.repeat(32),
        schema_name: 'label',
        schema_version: 1,
        source_file: 'review',
        source_line: 1,
        ingested_at: '2026-12-01T10:00:00.000Z',
        transaction_id: 'tx-new',
        label: 1,
        source: 'review',
        labelled_at: '2026-12-01T10:00:00Z',
        labelled_by: 'ana@example.com',
      },
    ]);
    const rows = await queryAll(w, 'select transaction_id, labelled_by from labels order by transaction_id');
    expect(rows).toEqual([
      { transaction_id: 'tx-new', labelled_by: 'ana@example.com' },
      { transaction_id: 'tx-old', labelled_by: null },
    ]);
    await w.close();
  });
});

describe('DuckDB warehouse memory limit', () => {
  const limitOf = async (w: DuckDbWarehouse): Promise<string> =>
    String((await queryAll(w, `select current_setting('memory_limit') as m`))[0]!.m);

  it('opens with the memory limit it is given (DuckDB reads 300MB as 286.1 MiB), else DuckDB default', async () => {
    const bounded = await DuckDbWarehouse.open(join(dir.path, 'bounded.duckdb'), { memoryLimit: '300MB' });
    const unbounded = await DuckDbWarehouse.open(join(dir.path, 'unbounded.duckdb'));
    try {
      expect(await limitOf(bounded)).toBe('286.1 MiB');
      expect(await limitOf(unbounded)).not.toBe('286.1 MiB');
    } finally {
      await bounded.close();
      await unbounded.close();
    }
  });

  it('runs work under another limit and puts the previous one back, also when the work fails', async () => {
    const w = await DuckDbWarehouse.open(join(dir.path, 'scoped.duckdb'), { memoryLimit: '1GB' });
    try {
      expect(await w.withMemoryLimit('192MB', () => limitOf(w))).toBe('183.1 MiB');
      expect(await limitOf(w)).toBe('953.6 MiB');
      await expect(
        w.withMemoryLimit('64MB', async () => {
          throw new Error('work failed');
        }),
      ).rejects.toThrow('work failed');
      expect(await limitOf(w)).toBe('953.6 MiB');
      const unset = await DuckDbWarehouse.open(join(dir.path, 'scoped-default.duckdb'));
      const byDefault = await limitOf(unset);
      await unset.withMemoryLimit('100MB', async () => undefined);
      expect(await limitOf(unset)).toBe(byDefault);
      await unset.close();
    } finally {
      await w.close();
    }
  });
});
