// ingest -> sink -> sql through the real CLI: the warehouse holds exactly the accepted rows, re-runs and crashes change nothing.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { IngestSummary } from '../../functions/ingest/ingest.ts';
import type { TopicSummary } from '../../functions/sink/sink.ts';
import { EmbeddedEventLog } from '../../shared/eventlog/embedded.ts';
import { writeKaggleCsv } from '../../shared/synth/kaggle.ts';
import { tempDir } from '../helpers/tmp.ts';
import { cli, cliJson } from '../helpers/cli.ts';

const dir = tempDir('fraudflow-sink-');
afterAll(() => dir.cleanup());

async function counts(env: Record<string, string>): Promise<{ n: number; ids: number }> {
  const [row] = await cliJson<Array<{ n: number; ids: number }>>(['sql', 'select count(*) as n, count(distinct id) as ids from transactions'], env);
  return row!;
}

describe('sink', () => {
  it('lands exactly the accepted rows; running ingest and sink again changes nothing', async () => {
    const env = { FRAUDFLOW_DATA_DIR: join(dir.path, 'a') };
    const file = join(dir.path, 'a.csv');
    await writeKaggleCsv(file, 3000, 1);
    writeFileSync(file, '1,bad,row\n', { flag: 'a' });
    const [ing] = await cliJson<IngestSummary[]>(['ingest', file], env);
    expect(ing!.accepted).toBe(3000);
    expect(ing!.rejected).toBe(1);
    const first = await cliJson<TopicSummary[]>(['sink'], env);
    expect(first.find((t) => t.topic === 'transactions')).toMatchObject({ rows: 3000, inserted: 3000, lag_left: 0 });
    expect(first.find((t) => t.topic === 'transactions.dlq')).toMatchObject({ rows: 1, inserted: 1 });
    expect(await counts(env)).toEqual({ n: 3000, ids: 3000 });
    await cliJson(['ingest', file], env);
    const second = await cliJson<TopicSummary[]>(['sink'], env);
    expect(second.find((t) => t.topic === 'transactions')).toMatchObject({ rows: 3000, inserted: 0, duplicates: 3000 });
    expect(await counts(env)).toEqual({ n: 3000, ids: 3000 });
    const [dl] = await cliJson<Array<{ n: number }>>(['sql', 'select count(*) as n from dead_letters'], env);
    expect(dl!.n).toBe(1);
  });

  it.each(['before-write', 'after-write'])('loses and duplicates nothing when killed -9 %s', async (point) => {
    const env = { FRAUDFLOW_DATA_DIR: join(dir.path, point), FRAUDFLOW_SINK_BATCH: '1000' };
    const file = join(dir.path, `${point}.csv`);
    await writeKaggleCsv(file, 4000, 2);
    await cliJson(['ingest', file], env);
    const crashed = await cli(['sink', '--topics', 'transactions'], { ...env, FRAUDFLOW_FAULT: point }, { until: /FAULT/ });
    expect(crashed.killed).toBe(true);
    const again = await cliJson<TopicSummary[]>(['sink', '--topics', 'transactions'], env);
    expect(again[0]!.lag_left).toBe(0);
    expect(await counts(env)).toEqual({ n: 4000, ids: 4000 });
    // after-write: the batch written before the crash comes back and is recognised by id.
    if (point === 'after-write') expect(again[0]!.duplicates).toBe(1000);
  });

  it('sends poison messages to dead_letters instead of failing the run', async () => {
    const env = { FRAUDFLOW_DATA_DIR: join(dir.path, 'poison') };
    const file = join(dir.path, 'p.csv');
    await writeKaggleCsv(file, 10, 3);
    await cliJson(['ingest', file], env);
    const log = new EmbeddedEventLog({ path: join(dir.path, 'poison', 'eventlog.sqlite') });
    await log.produce('transactions', [
      { key: 'x', value: 'not json' },
      { key: 'y', value: JSON.stringify({ id: 'f'.repeat(32), schema: { name: 'kaggle', version: 1 }, source: { file: 'x', line: 2 }, ingested_at: '2026-11-25T00:00:00.000Z', payload: { Time: -1 } }) },
    ]);
    await log.close();
    const [t] = await cliJson<TopicSummary[]>(['sink', '--topics', 'transactions'], env);
    expect(t).toMatchObject({ rows: 12, inserted: 10, poison: 2, lag_left: 0 });
    const rows = await cliJson<Array<{ reasons: string }>>(['sql', "select reasons from dead_letters where topic = 'transactions' order by line"], env);
    expect(rows.map((r) => JSON.parse(r.reasons) as string[]).flat().join(' | ')).toMatch(/not JSON.*\|.*payload.Time: Too small/s);
  });
});
