// `fraudflow dev` as a user runs it: a CSV dropped into the uploads folder is ingested and sunk on schedule; Ctrl-C stops cleanly.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { mkdirSync, renameSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { EmbeddedEventLog } from '../../shared/eventlog/embedded/embedded.ts';
import { writeKaggleCsv } from '../../shared/synth/kaggle.ts';
import { tempDir } from '../helpers/tmp.ts';
import { waitFor } from '../helpers/wait.ts';
import { cliJson } from '../helpers/cli.ts';

const dir = tempDir('fraudflow-dev-');
afterAll(() => dir.cleanup());

describe('local runner', () => {
  it('ingests a dropped upload, sinks it on schedule, and stops on SIGINT without losing work', async () => {
    const data = join(dir.path, 'data');
    const uploads = join(data, 'uploads');
    mkdirSync(uploads, { recursive: true });
    const env = { ...process.env, FRAUDFLOW_DATA_DIR: data, FRAUDFLOW_INGEST_WORKERS: '0' };
    const proc = spawn(
      process.execPath,
      [
        join(import.meta.dirname, '../../bin/fraudflow.js'),
        'dev',
        '--port',
        '0',
        '--sink',
        '*/2 * * * * *',
        '--score-stream',
        '0 0 1 1 *',
      ],
      { env, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let out = '';
    let err = '';
    proc.stdout.on('data', (d: Buffer) => (out += d.toString()));
    proc.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const exited = new Promise<number>((resolve) => proc.on('exit', (code) => resolve(code ?? -1)));
    await waitFor(() => out.includes('Ctrl-C to stop') || undefined, 'the runner to start', 30_000);
    // Written elsewhere, then moved in: the upload appears whole, as a finalized object does.
    const staged = join(dir.path, 'drop.csv');
    await writeKaggleCsv(staged, 2000, 9);
    renameSync(staged, join(uploads, 'drop.csv'));
    const log = new EmbeddedEventLog({ path: join(data, 'eventlog.sqlite') });
    await waitFor(
      async () => {
        const info = await log.describeTopic('transactions').catch(() => null);
        const committed = await log.committedOffsets('fraudflow-sink', 'transactions');
        const hwm = info?.partitions.reduce((n, p) => n + p.highWatermark, 0) ?? 0;
        return hwm === 2000 && committed.reduce((n, p) => n + p.offset, 0) === 2000 ? true : undefined;
      },
      'the upload to be ingested and sunk',
      60_000,
      200,
    );
    await log.close();
    proc.kill('SIGINT');
    expect(await exited, err.slice(-1500)).toBe(0);
    expect(out).toContain('fraudflow dev: stopped');
    const [row] = await cliJson<Array<{ n: number }>>(['sql', 'select count(*)::INTEGER as n from transactions'], {
      FRAUDFLOW_DATA_DIR: data,
    });
    expect(row!.n).toBe(2000);
  }, 120_000);
});
