// The DuckDB adapter's in-memory id sets: every id of a table is known to them, whoever wrote it, so each id lands once.
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { DuckDbWarehouse } from '../../shared/warehouse/duckdb/duckdb.ts';
import { envelopePrefixOf, IdPrefixSet, prefixOf } from '../../shared/warehouse/duckdb/id-set.ts';
import { queryAll } from '../../shared/warehouse/port.ts';
import { encodeRecords, valueAt } from '../../functions/ingest/encode.ts';
import { detectFormat } from '../../shared/schema/formats.ts';
import { KAGGLE_HEADER, kaggleRows } from '../../shared/synth/kaggle.ts';
import { tempDir } from '../helpers/tmp.ts';

const dir = tempDir('fraudflow-known-ids-');
afterAll(() => dir.cleanup());

function envelopes(count: number, from = 0): Uint8Array[] {
  const input = [...kaggleRows(count, 11)].map((raw, i) => ({ line: from + i + 2, raw, bytes: raw.length }));
  const block = encodeRecords(detectFormat(KAGGLE_HEADER, 'k.csv'), input, 'k.csv', new Date().toISOString(), {
    maxRecordBytes: 1 << 20,
    keepBytes: 4096,
  });
  return block.ids.map((_, i) => valueAt(block, i));
}

const counts = async (w: DuckDbWarehouse) =>
  (await queryAll(w, 'SELECT count(*)::INT AS n, count(DISTINCT id)::INT AS d FROM transactions'))[0];

describe('id prefix set', () => {
  it('holds every id added through its growth and answers no for ids never added', () => {
    const set = new IdPrefixSet();
    const added = Array.from({ length: 20_000 }, () => randomBytes(16).toString('hex'));
    for (const id of added) set.add(...prefixOf(id)!);
    expect(added.every((id) => set.has(...prefixOf(id)!))).toBe(true);
    const others = Array.from({ length: 20_000 }, () => randomBytes(16).toString('hex'));
    expect(others.filter((id) => set.has(...prefixOf(id)!))).toEqual([]);
    set.add(0, 0);
    expect([set.has(0, 0), set.size]).toEqual([true, 20_001]);
  });

  it('reads the id of a canonical envelope and refuses text that does not start like one', () => {
    const id = 'ab'.repeat(16);
    expect(envelopePrefixOf(Buffer.from(`{"id":"${id}","schema":{}}`))).toEqual(prefixOf(id));
    expect(envelopePrefixOf(Buffer.from(`{"id":"${'f'.repeat(32)}"}`))).toEqual([0xffffffff, 0xffffffff]);
    for (const text of [
      `{"id": "${id}"}`,
      `{"id":"${id.slice(1)}"}`,
      `{"schema":{},"id":"${id}"}`,
      `{"id":"${'a'.repeat(31)}g"}`,
      '',
    ])
      expect(envelopePrefixOf(Buffer.from(text))).toBeNull();
    expect(prefixOf('AB'.repeat(16))).toBeNull();
  });
});

describe('DuckDB appends deduped by the id sets', () => {
  it('drops an id written by SQL through query, by an earlier process, or twice in one batch', async () => {
    const path = join(dir.path, 'w.duckdb');
    const batch = envelopes(500);
    let w = await DuckDbWarehouse.open(path);
    await w.ensureTables();
    expect((await w.appendEnvelopes('transactions', 'kaggle', batch.slice(0, 100))).inserted).toBe(100);
    // A row the adapter did not write itself: an INSERT through query, alone and after another statement.
    const ids = batch.slice(100, 102).map((v) => (JSON.parse(Buffer.from(v).toString('utf8')) as { id: string }).id);
    const insert = (id: string) =>
      `INSERT INTO transactions (id, schema_name, schema_version, source_file, source_line, ingested_at) VALUES ('${id}', 'kaggle', 1, 'sql', 1, now())`;
    await queryAll(w, insert(ids[0]!));
    await queryAll(w, `SELECT 1; ${insert(ids[1]!)}; SELECT 2`);
    const next = await w.appendEnvelopes('transactions', 'kaggle', [...batch.slice(90, 300), batch[250]!]);
    expect([next.inserted, next.duplicates]).toEqual([198, 13]);
    await w.close();
    // Reopened (as a new sink run): the set is rebuilt from the file and every id there is known.
    w = await DuckDbWarehouse.open(path);
    const again = await w.appendEnvelopes('transactions', 'kaggle', batch);
    expect([again.inserted, again.duplicates]).toEqual([200, 300]);
    const rows = batch.slice(0, 5).map((v) => JSON.parse(Buffer.from(v).toString('utf8')) as { id: string });
    const staged = await w.append(
      'transactions',
      rows.map((r) => ({
        id: r.id,
        schema_name: 'kaggle',
        schema_version: 1,
        source_file: 'x',
        source_line: 1,
        ingested_at: new Date().toISOString(),
      })),
    );
    expect(staged.inserted).toBe(0);
    expect(await counts(w)).toEqual({ n: 500, d: 500 });
    await w.close();
  });
});
