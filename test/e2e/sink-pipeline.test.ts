// ingest -> sink -> sql through the real CLI: the warehouse holds exactly the accepted rows, and running ingest and sink again changes nothing.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { IngestSummary } from '../../functions/ingest/ingest.ts';
import type { TopicSummary } from '../../functions/sink/sink.ts';
import { DuckDbWarehouse } from '../../shared/warehouse/duckdb/duckdb.ts';
import { queryAll } from '../../shared/warehouse/port.ts';
import { writeKaggleCsv } from '../../shared/synth/kaggle.ts';
import { tempDir } from '../helpers/tmp.ts';
import { cliJson } from '../helpers/cli.ts';

const dir = tempDir('fraudflow-sink-');
afterAll(() => dir.cleanup());

describe('fraudflow ingest, sink, sql', () => {
  it('lands exactly the accepted rows; running ingest and sink again changes nothing', async () => {
    const data = join(dir.path, 'data');
    const env = { FRAUDFLOW_DATA_DIR: data };
    const file = join(dir.path, 'a.csv');
    await writeKaggleCsv(file, 3000, 1);
    writeFileSync(file, '1,bad,row\n', { flag: 'a' });
    const [ing] = await cliJson<IngestSummary[]>(['ingest', file], env);
    expect(ing).toMatchObject({ accepted: 3000, rejected: 1 });

    const first = await cliJson<TopicSummary[]>(['sink'], env);
    expect(first.find((t) => t.topic === 'transactions')).toMatchObject({
      rows: 3000,
      inserted: 3000,
      poison: 0,
      lag_left: 0,
    });
    expect(first.find((t) => t.topic === 'transactions.dlq')).toMatchObject({ rows: 1, inserted: 1, lag_left: 0 });
    const [count] = await cliJson<Array<{ n: number; ids: number }>>(
      ['sql', 'select count(*) as n, count(distinct id) as ids from transactions'],
      env,
    );
    expect(count).toEqual({ n: ing!.accepted, ids: ing!.accepted });

    await cliJson(['ingest', file], env);
    const second = await cliJson<TopicSummary[]>(['sink'], env);
    expect(second.find((t) => t.topic === 'transactions')).toMatchObject({
      rows: 3000,
      inserted: 0,
      duplicates: 3000,
      lag_left: 0,
    });
    expect(second.find((t) => t.topic === 'transactions.dlq')).toMatchObject({ inserted: 0, lag_left: 0 });

    const w = await DuckDbWarehouse.open(join(data, 'warehouse.duckdb'), { readOnly: true });
    const [after] = await queryAll(
      w,
      `select (select count(*) from transactions)::INTEGER as n, (select count(distinct id) from transactions)::INTEGER as ids,
      (select count(*) from dead_letters)::INTEGER as dead`,
    );
    await w.close();
    expect(after).toEqual({ n: 3000, ids: 3000, dead: 1 });
  }, 240_000); // five CLI processes, each importing every adapter: about 25 s on an idle machine, several times that on a busy one
});
