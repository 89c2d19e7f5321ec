// The sink writes under its own DuckDB memory limit (FRAUDFLOW_SINK_DUCKDB_MEMORY_LIMIT), then the warehouse's is back.
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../shared/config.ts';
import { createRuntime } from '../../shared/runtime.ts';
import { silentLogger } from '../../shared/logger.ts';
import { TOPICS } from '../../shared/topics.ts';
import { queryAll, type Warehouse } from '../../shared/warehouse/port.ts';
import { ingest } from '../../functions/ingest/ingest.ts';
import { fileSource } from '../../functions/ingest/index.ts';
import { inlineEncoder } from '../../functions/ingest/encoder-pool.ts';
import { sinkWith } from '../../functions/sink/index.ts';
import { writeKaggleCsv } from '../../shared/synth/kaggle.ts';
import { tempDir } from '../helpers/tmp.ts';

const dir = tempDir('fraudflow-sink-memory-');
afterAll(() => dir.cleanup());

const limitOf = async (w: Warehouse): Promise<string> =>
  String((await queryAll(w, `select current_setting('memory_limit') as m`))[0]!.m);

describe('sink memory limit', () => {
  it('appends under FRAUDFLOW_SINK_DUCKDB_MEMORY_LIMIT and leaves FRAUDFLOW_DUCKDB_MEMORY_LIMIT in force after', async () => {
    const config = loadConfig({
      FRAUDFLOW_DATA_DIR: join(dir.path, 'data'),
      FRAUDFLOW_DUCKDB_MEMORY_LIMIT: '300MB',
      FRAUDFLOW_SINK_DUCKDB_MEMORY_LIMIT: '100MB',
    });
    const rt = createRuntime(config, silentLogger);
    try {
      const file = join(dir.path, 'k.csv');
      await writeKaggleCsv(file, 500, 3);
      await ingest(
        fileSource(file),
        { eventLog: await rt.eventLog(), logger: silentLogger, encoder: inlineEncoder },
        { topic: TOPICS.transactions, batchSize: 100 },
      );
      const real = await rt.warehouse();
      expect(await limitOf(real)).toBe('286.1 MiB');
      // The real warehouse, with a look at the limit in force at each write.
      const seen: string[] = [];
      const watched: Warehouse = Object.assign(Object.create(real) as Warehouse, {
        appendEnvelopes: async (...args: Parameters<Warehouse['appendEnvelopes']>) => {
          seen.push(await limitOf(real));
          return real.appendEnvelopes(...args);
        },
      });
      const [summary] = await sinkWith(
        { ...rt, warehouse: async () => watched },
        { routes: [{ topic: TOPICS.transactions, table: 'transactions', kind: 'envelope' }] },
      );
      expect(summary).toMatchObject({ rows: 500, inserted: 500 });
      expect(seen.length).toBeGreaterThan(0);
      expect(new Set(seen)).toEqual(new Set(['95.3 MiB']));
      expect(await limitOf(real)).toBe('286.1 MiB');
    } finally {
      await rt.close();
    }
  });
});
