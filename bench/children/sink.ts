// Bench child: ingest a CSV into a fresh embedded log, then time the sink into DuckDB (first run, then a re-run of the same messages), or DuckDB's own read_csv of the file.
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { EmbeddedEventLog } from '../../shared/eventlog/embedded/embedded.ts';
import { DuckDbWarehouse } from '../../shared/warehouse/duckdb/duckdb.ts';
import { silentLogger } from '../../shared/logger.ts';
import { loadConfig } from '../../shared/config.ts';
import { topicSpecs, TOPICS } from '../../shared/topics.ts';
import { ingest } from '../../functions/ingest/ingest.ts';
import { fileSource } from '../../functions/ingest/index.ts';
import { workerEncoder } from '../../functions/ingest/encoder-pool.ts';
import { sink } from '../../functions/sink/sink.ts';

const [mode, file, dir] = process.argv.slice(2);
const cpuSeconds = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
};
const report = (rows: number, started: number, cpuStarted: number) => ({
  rows,
  seconds: (performance.now() - started) / 1000,
  cpuSeconds: cpuSeconds() - cpuStarted,
  peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
});

if (mode === 'read_csv') {
  const inst = await DuckDBInstance.create(join(dir!, 'baseline.duckdb'));
  const db = await inst.connect();
  const started = performance.now();
  const cpu = cpuSeconds();
  await db.run(`CREATE TABLE t AS SELECT * FROM read_csv('${file}', header = true)`);
  db.closeSync();
  inst.closeSync();
  const r = report(0, started, cpu);
  const check = await DuckDBInstance.create(join(dir!, 'baseline.duckdb'));
  const c = await check.connect();
  r.rows = Number((await c.runAndReadAll('select count(*) from t')).getRows()[0]![0]);
  c.closeSync();
  check.closeSync();
  process.stdout.write(JSON.stringify([r]) + '\n');
} else {
  const log = new EmbeddedEventLog({ path: join(dir!, 'log.sqlite') });
  for (const spec of topicSpecs(4)) await log.ensureTopic(spec);
  const encoder = workerEncoder(2);
  await ingest(
    fileSource(file!),
    { eventLog: log, logger: silentLogger, encoder },
    { topic: TOPICS.transactions, batchSize: 5000 },
  );
  await encoder.close();
  const out = [];
  // The second run reads the same messages under a new group: every id is already there.
  for (const group of ['bench', 'bench-again']) {
    const started = performance.now();
    const cpu = cpuSeconds();
    const warehouse = await DuckDbWarehouse.open(join(dir!, 'w.duckdb'));
    await warehouse.ensureTables();
    const [s] = await sink(
      { eventLog: log, warehouse, logger: silentLogger },
      {
        routes: [{ topic: TOPICS.transactions, table: 'transactions', kind: 'envelope' }],
        group,
        maxRows: 10_000_000,
        maxSeconds: 600,
        batchSize: loadConfig({}).sink.batch,
      },
    );
    await warehouse.close(); // includes the checkpoint into the file
    out.push({ ...report(s!.rows, started, cpu), inserted: s!.inserted });
  }
  await log.close();
  process.stdout.write(JSON.stringify(out) + '\n');
}
