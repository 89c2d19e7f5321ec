// `fraudflow score-stream --follow` as a long-lived process: scores what arrives while it runs, commits, stops cleanly on SIGTERM.
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { tfReady } from '../../shared/model/tf-backend.ts';
import { ObjectStoreRegistry } from '../../shared/model/registry/objectstore/registry.ts';
import { LocalObjectStore } from '../../shared/objectstore/local/local.ts';
import { KAGGLE_FEATURES } from '../../shared/features/kaggle.ts';
import { loadConfig } from '../../shared/config.ts';
import { createRuntime } from '../../shared/runtime.ts';
import { lagOf } from '../../shared/eventlog/port.ts';
import { createLogger } from '../../shared/logger.ts';
import { tinyManifest, tinyModel } from '../helpers/model.ts';
import { kaggleHeader, kaggleRow } from '../helpers/rows.ts';
import { cliJson } from '../helpers/cli.ts';
import { tempDir } from '../helpers/tmp.ts';
import { waitFor } from '../helpers/wait.ts';

const dir = tempDir('fraudflow-follow-');
afterAll(() => dir.cleanup());

describe('score-stream --follow', () => {
  it('scores transactions that arrive while it runs, each once, and exits 0 on SIGTERM with everything committed', async () => {
    const env = { FRAUDFLOW_DATA_DIR: join(dir.path, 'data') };
    const config = loadConfig(env);
    await tfReady();
    const registry = new ObjectStoreRegistry(new LocalObjectStore(config.modelsDir));
    const names = KAGGLE_FEATURES.names;
    await registry.save(
      tinyManifest('follow-1', { feature_spec: KAGGLE_FEATURES }),
      tinyModel(
        names.map((n) => (n === 'V1' ? 3 : 0)),
        -1,
      ),
    );
    await registry.promote('follow-1', 'test');

    const csv = (name: string, from: number, n: number) => {
      const file = join(dir.path, name);
      writeFileSync(
        file,
        [
          kaggleHeader,
          ...Array.from({ length: n }, (_, i) => kaggleRow(from + i, '12.00', 0, i % 2 ? '1.5' : '-1.5')),
        ].join('\n') + '\n',
      );
      return file;
    };
    await cliJson(['ingest', csv('early.csv', 0, 300)], env);

    const proc = spawn(
      process.execPath,
      [join(import.meta.dirname, '../../bin/fraudflow.js'), 'score-stream', '--follow', '--json'],
      { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stdout = '';
    let stderr = '';
    proc.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    proc.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const exited = new Promise<number>((resolve) => proc.on('exit', (code) => resolve(code ?? -1)));

    const rt = createRuntime(config, createLogger({ level: 'ERROR' }));
    try {
      const log = await rt.eventLog();
      const verdicts = async () =>
        (await log.listTopics())
          .find((t) => t.name === 'verdicts')
          ?.partitions.reduce((n, p) => n + p.highWatermark, 0) ?? 0;
      await waitFor(async () => ((await verdicts()) >= 300 ? true : undefined), 'the first 300 verdicts', 60_000, 100);
      // Arrives while the follower runs: scored without a new start.
      await cliJson(['ingest', csv('late.csv', 1000, 200)], env);
      await waitFor(async () => ((await verdicts()) >= 500 ? true : undefined), 'the late 200 verdicts', 60_000, 100);
      proc.kill('SIGTERM');
      expect(await exited, stderr).toBe(0);
      expect(JSON.parse(stdout)).toMatchObject({ read: 500, scored: 500, skipped: 0, lag_left: 0 });
      expect(await verdicts()).toBe(500);
      const lag = lagOf(
        await log.describeTopic('transactions'),
        await log.committedOffsets('fraudflow-score-stream', 'transactions'),
      );
      expect(lag).toBe(0);
    } finally {
      proc.kill('SIGKILL');
      await rt.close();
    }
  }, 150_000);
});
