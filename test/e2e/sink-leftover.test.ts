// A sink killed with SIGKILL mid-batch leaves its batch file behind; the next sink removes it, and every row lands once.
import { spawn } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { EmbeddedEventLog } from '../../shared/eventlog/embedded/embedded.ts';
import { silentLogger } from '../../shared/logger.ts';
import { topicSpecs, TOPICS } from '../../shared/topics.ts';
import { writeKaggleCsv } from '../../shared/synth/kaggle.ts';
import { ingest } from '../../functions/ingest/ingest.ts';
import { fileSource } from '../../functions/ingest/index.ts';
import { DuckDbWarehouse } from '../../shared/warehouse/duckdb/duckdb.ts';
import { queryAll } from '../../shared/warehouse/port.ts';
import { tempDir } from '../helpers/tmp.ts';
import { cli } from '../helpers/cli.ts';
import { waitFor } from '../helpers/wait.ts';

const dir = tempDir('fraudflow-sink-leftover-');
afterAll(() => dir.cleanup());
const ROWS = 120_000;

describe('sink batch files', () => {
  it('a batch file left by a sink killed with SIGKILL is removed at the next start, and the rows land once', async () => {
    const data = join(dir.path, 'data');
    const log = new EmbeddedEventLog({ path: join(data, 'eventlog.sqlite') });
    for (const spec of topicSpecs(4)) await log.ensureTopic(spec);
    const csv = join(dir.path, 'day.csv');
    await writeKaggleCsv(csv, ROWS, 3);
    const s = await ingest(
      fileSource(csv),
      { eventLog: log, logger: silentLogger },
      { topic: TOPICS.transactions, batchSize: 5000 },
    );
    expect(s.accepted).toBe(ROWS);
    await log.close();

    const tmp = join(data, 'tmp');
    const batchFiles = () => (existsSync(tmp) ? readdirSync(tmp).filter((f) => /^sink-.*\.ndjson$/.test(f)) : []);
    const env = { ...process.env, FRAUDFLOW_DATA_DIR: data, FRAUDFLOW_SINK_BATCH_BYTES: String(512 << 20) };
    const proc = spawn(process.execPath, [join(import.meta.dirname, '../../bin/fraudflow.js'), 'sink'], {
      env,
      stdio: 'ignore',
    });
    const exited = new Promise<void>((resolve) => proc.on('exit', () => resolve()));
    // Killed while its batch file is on disk (DuckDB reading it).
    await waitFor(() => batchFiles().length > 0, 'the sink to write its batch file', 60_000, 5);
    proc.kill('SIGKILL');
    await exited;
    const left = batchFiles();
    expect(left.length).toBe(1);

    const again = await cli(['sink'], { FRAUDFLOW_DATA_DIR: data });
    expect(again.code, again.stderr.slice(-1000)).toBe(0);
    expect(batchFiles()).toEqual([]);
    const wh = await DuckDbWarehouse.open(join(data, 'warehouse.duckdb'), { readOnly: true });
    try {
      const [n] = await queryAll(wh, 'SELECT count(*) AS n, count(DISTINCT id) AS d FROM transactions');
      expect(n).toEqual({ n: BigInt(ROWS), d: BigInt(ROWS) });
    } finally {
      await wh.close();
    }
  }, 240_000);
});
