// Bench child: ingest a CSV into a fresh embedded log, then time the sink into DuckDB, and DuckDB's own read_csv of the same file.
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { EmbeddedEventLog } from '../../shared/eventlog/embedded.ts';
import { DuckDbWarehouse } from '../../shared/warehouse/duckdb.ts';
import { silentLogger } from '../../shared/logger.ts';
import { topicSpecs, TOPICS } from '../../shared/topics.ts';
import { ingest } from '../../functions/ingest/ingest.ts';
import { fileSource } from '../../functions/ingest/index.ts';
import { workerEncoder } from '../../functions/ingest/encoder-pool.ts';
import { sink } from '../../functions/sink/sink.ts';

const [mode, file, dir] = process.argv.slice(2);
if (mode === 'read_csv') {
  const inst = await DuckDBInstance.create(join(dir!, 'baseline.duckdb'));
  const db = await inst.connect();
  const started = performance.now();
  await db.run(`CREATE TABLE t AS SELECT * FROM read_csv('${file}', header = true)`);
  const seconds = (performance.now() - started) / 1000;
  const n = Number((await db.runAndReadAll('select count(*) from t')).getRows()[0]![0]);
  db.closeSync();
  inst.closeSync();
  process.stdout.write(JSON.stringify({ rows: n, seconds, peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024) }) + '\n');
} else {
  const log = new EmbeddedEventLog({ path: join(dir!, 'log.sqlite') });
  for (const spec of topicSpecs(4)) await log.ensureTopic(spec);
  const encoder = workerEncoder(2);
  await ingest(fileSource(file!), { eventLog: log, logger: silentLogger, encoder }, { topic: TOPICS.transactions, batchSize: 5000 });
  await encoder.close();
  const warehouse = await DuckDbWarehouse.open(join(dir!, 'w.duckdb'));
  await warehouse.ensureTables();
  const started = performance.now();
  const [s] = await sink({ eventLog: log, warehouse, logger: silentLogger }, {
    routes: [{ topic: TOPICS.transactions, table: 'transactions', kind: 'envelope' }], group: 'bench', maxRows: 10_000_000, maxSeconds: 600, batchSize: 50_000,
  });
  await warehouse.close(); // includes the checkpoint into the file
  const seconds = (performance.now() - started) / 1000;
  await log.close();
  process.stdout.write(JSON.stringify({ rows: s!.inserted, seconds, peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024) }) + '\n');
}
