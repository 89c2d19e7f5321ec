// The sink bounds a batch by the bytes of its messages, not by a row count: with a small budget it chooses many small batches.
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { EmbeddedEventLog } from '../../shared/eventlog/embedded/embedded.ts';
import { DuckDbWarehouse } from '../../shared/warehouse/duckdb/duckdb.ts';
import { queryAll, type Warehouse } from '../../shared/warehouse/port.ts';
import { silentLogger } from '../../shared/logger.ts';
import { topicSpecs, TOPICS } from '../../shared/topics.ts';
import { ingest } from '../../functions/ingest/ingest.ts';
import { fileSource } from '../../functions/ingest/index.ts';
import { inlineEncoder } from '../../functions/ingest/encoder-pool.ts';
import { sink } from '../../functions/sink/sink.ts';
import { writeKaggleCsv } from '../../shared/synth/kaggle.ts';
import { tempDir } from '../helpers/tmp.ts';

const dir = tempDir('fraudflow-sink-bytes-');
afterAll(() => dir.cleanup());

const ROWS = 3000;
const BUDGET = 64 << 10;

describe('sink batch budget', () => {
  it('a 64 KiB budget drains 3000 envelopes in batches of at most 64 KiB of messages, each id landing once', async () => {
    const log = new EmbeddedEventLog({ path: join(dir.path, 'log.sqlite'), synchronous: 'NORMAL' });
    for (const spec of topicSpecs(4)) await log.ensureTopic(spec);
    const file = join(dir.path, 'k.csv');
    await writeKaggleCsv(file, ROWS, 7);
    await ingest(
      fileSource(file),
      { eventLog: log, logger: silentLogger, encoder: inlineEncoder },
      { topic: TOPICS.transactions, batchSize: 1000 },
    );
    const duck = await DuckDbWarehouse.open(join(dir.path, 'w.duckdb'));
    await duck.ensureTables();
    // Each batch is written by one call (one payload schema here); the real warehouse does the writing.
    const batches: Array<{ rows: number; bytes: number }> = [];
    const warehouse: Warehouse = {
      kind: duck.kind,
      dialect: duck.dialect,
      ensureTables: () => duck.ensureTables(),
      append: (table, rows) => duck.append(table, rows),
      appendEnvelopes: (table, schema, values) => {
        batches.push({ rows: values.length, bytes: values.reduce((n, v) => n + v.byteLength, 0) });
        return duck.appendEnvelopes(table, schema, values);
      },
      query: (sql) => duck.query(sql),
      close: () => duck.close(),
    };
    try {
      const [summary] = await sink(
        { eventLog: log, warehouse, logger: silentLogger },
        {
          routes: [{ topic: TOPICS.transactions, table: 'transactions', kind: 'envelope' }],
          group: 'batch-bytes',
          maxRows: 1_000_000,
          maxSeconds: 120,
          batchSize: 250_000,
          batchBytes: BUDGET,
        },
      );
      const total = batches.reduce((n, b) => n + b.bytes, 0);
      expect(summary).toMatchObject({ rows: ROWS, inserted: ROWS, duplicates: 0, lag_left: 0 });
      expect(batches.reduce((n, b) => n + b.rows, 0)).toBe(ROWS);
      expect(summary!.batches).toBe(batches.length);
      // Sized from the average message: never past the budget by more than one message's worth of size variation.
      const largest = Math.max(...batches.map((b) => b.bytes / b.rows));
      for (const b of batches) expect(b.bytes).toBeLessThanOrEqual(BUDGET + 2 * largest);
      // Filled, not timid: the batches are as few as the budget allows (the last one and a probe poll may be short).
      expect(batches.length).toBeLessThanOrEqual(Math.ceil(total / BUDGET) + 2);
      expect(batches.length).toBeGreaterThanOrEqual(Math.ceil(total / (BUDGET + 2 * largest)));
      const [count] = await queryAll(
        duck,
        'select count(*)::INTEGER as n, count(distinct id)::INTEGER as ids from transactions',
      );
      expect(count).toEqual({ n: ROWS, ids: ROWS });
    } finally {
      await warehouse.close();
      await log.close();
    }
  }, 120_000);
});
