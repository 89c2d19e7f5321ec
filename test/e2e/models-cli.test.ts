// The operator commands through the CLI's own entry (main(argv), in-process: a spawn per command costs seconds on 2 shared cores).
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tfReady } from '../../shared/model/tf-backend.ts';
import { LocalObjectStore } from '../../shared/objectstore/local/local.ts';
import { ObjectStoreRegistry } from '../../shared/model/registry/objectstore/registry.ts';
import { tempDir } from '../helpers/tmp.ts';
import { main } from '../../cli/main.ts';
import { tinyManifest, tinyModel } from '../helpers/model.ts';

const dir = tempDir('fraudflow-models-cli-');

/** Runs `fraudflow <args>` as bin/fraudflow.js does, capturing what it prints and its exit code. */
async function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const write = { out: process.stdout.write.bind(process.stdout), err: process.stderr.write.bind(process.stderr) };
  process.stdout.write = ((s: string) => out.push(String(s)) > 0) as typeof process.stdout.write;
  process.stderr.write = ((s: string) => err.push(String(s)) > 0) as typeof process.stderr.write;
  try {
    const code = await main(['node', 'fraudflow', ...args]);
    return { code, stdout: out.join(''), stderr: err.join('') };
  } finally {
    process.stdout.write = write.out;
    process.stderr.write = write.err;
  }
}

async function cliJson<T>(args: string[]): Promise<T> {
  const r = await cli([...args, '--json']);
  if (r.code !== 0) throw new Error(`fraudflow ${args.join(' ')} exited ${r.code}: ${r.stderr}`);
  return JSON.parse(r.stdout) as T;
}

beforeAll(async () => {
  process.env.FRAUDFLOW_DATA_DIR = dir.path;
  await tfReady();
  const registry = new ObjectStoreRegistry(new LocalObjectStore(join(dir.path, 'models')));
  await registry.save(
    tinyManifest('v1', {
      created_at: '2026-11-25T01:00:00.000Z',
      promotion: { promoted: true, reason: 'no champion yet', margin: 0.005, champion: null },
    }),
    tinyModel([1, 0, 0]),
  );
  await registry.save(
    tinyManifest('v2', {
      created_at: '2026-11-25T02:00:00.000Z',
      promotion: {
        promoted: false,
        reason: 'AUPRC 0.5000 vs champion v1 (0.5010 on the same window): no better; kept as challenger',
        margin: 0.005,
        champion: { version: 'v1', auprc_on_window: 0.501 },
      },
    }),
    tinyModel([0, 1, 0]),
  );
  await registry.promote('v1', 'no champion yet');
});
afterAll(() => dir.cleanup());

describe('fraudflow models, promote, rollback', () => {
  it('lists every version with the champion pointer and why each was or was not promoted', async () => {
    const out = await cliJson<{
      champion: { version: string };
      versions: Array<{ version: string; promotion: { reason: string } }>;
    }>(['models']);
    expect(out.champion.version).toBe('v1');
    expect(out.versions.map((v) => v.version)).toEqual(['v1', 'v2']);
    expect(out.versions[1]!.promotion.reason).toMatch(/kept as challenger/);
    const table = await cli(['models']);
    expect(table.code).toBe(0);
    expect(table.stdout).toMatch(/v1\s+champion/);
    expect(table.stdout).toMatch(/v2\s+challenger.*kept as challenger/);
  }, 60_000);

  it('promotes a challenger, rolls back to the previous champion, and says when there is nothing to roll back to', async () => {
    const promoted = await cliJson<{
      pointer: { version: string; history: Array<{ reason: string }> };
      published: null;
    }>(['promote', 'v2', '--reason', 'better on last week']);
    expect(promoted.pointer.version).toBe('v2');
    expect(promoted.pointer.history.at(-1)!.reason).toBe('better on last week');
    expect(promoted.published).toBeNull();
    expect((await cliJson<{ pointer: { version: string } }>(['rollback'])).pointer.version).toBe('v1');
    const none = await cli(['rollback']);
    expect(none.code).toBe(3);
    expect(none.stderr).toMatch(/no earlier champion/);
    const unknown = await cli(['promote', 'v9']);
    expect(unknown.code).toBe(3);
    expect(unknown.stderr).toMatch(/v9 is not in the registry/);
  }, 60_000);
});
