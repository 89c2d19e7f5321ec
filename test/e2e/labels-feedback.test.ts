// Labels arriving later: a labels CSV is ingested to the `labels` topic, sunk, and overrides the label retraining learns from.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { tempDir } from '../helpers/tmp.ts';
import { cliJson } from '../helpers/cli.ts';
import { rawHeader, rawRow } from '../helpers/rows.ts';

const dir = tempDir('fraudflow-labels-');
afterAll(() => dir.cleanup());

describe('labels feedback', () => {
  it('routes a labels file to the labels topic, sinks it, and the latest label wins when read back', async () => {
    const env = { FRAUDFLOW_DATA_DIR: join(dir.path, 'data') };
    const tx = join(dir.path, 'tx.csv');
    writeFileSync(
      tx,
      [
        rawHeader,
        rawRow('tx1', '2026-04-01T10:00:00Z', 'c1', 't1', '10', ''),
        rawRow('tx2', '2026-04-01T11:00:00Z', 'c1', 't1', '20', '0'),
      ].join('\n') + '\n',
    );
    const labels = join(dir.path, 'labels.csv');
    writeFileSync(
      labels,
      [
        'transaction_id,label,source,labelled_at',
        'tx1,1,chargeback,2026-04-20T00:00:00Z',
        'tx2,1,investigation,2026-04-10T00:00:00Z',
        'tx2,0,confirmed,2026-04-12T00:00:00Z',
        'tx3,2,chargeback,2026-04-20T00:00:00Z',
      ].join('\n') + '\n',
    );
    await cliJson(['ingest', tx], env);
    const [l] = await cliJson<Array<{ format: string; topic: string; accepted: number; rejected: number }>>(
      ['ingest', labels],
      env,
    );
    expect(l).toMatchObject({ format: 'label', topic: 'labels', accepted: 3, rejected: 1 });
    const sunk = await cliJson<Array<{ topic: string; inserted: number }>>(['sink'], env);
    expect(sunk.find((s) => s.topic === 'labels')!.inserted).toBe(3);
    const rows = await cliJson<Array<{ transaction_id: string; label: number }>>(
      [
        'sql',
        `select t.transaction_id, coalesce(l.label, t.label)::INTEGER as label from transactions t
       left join (select transaction_id, arg_max(label, labelled_at) as label from labels group by 1) l using (transaction_id) order by 1`,
      ],
      env,
    );
    expect(rows).toEqual([
      { transaction_id: 'tx1', label: 1 },
      { transaction_id: 'tx2', label: 0 },
    ]);
  }, 60_000);
});
