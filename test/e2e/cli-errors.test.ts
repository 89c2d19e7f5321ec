// A script reading fraudflow's errors: with --json every failure is one JSON object on stderr, with the documented exit code.
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cli } from '../helpers/cli.ts';
import { tempDir } from '../helpers/tmp.ts';

const dir = tempDir('fraudflow-cli-errors-');
afterAll(() => dir.cleanup());
const env = () => ({ FRAUDFLOW_DATA_DIR: join(dir.path, 'data'), FRAUDFLOW_LOG_LEVEL: 'INFO' });

interface ErrorBody {
  error: { code: string; message: string; details: Record<string, unknown> };
}

function onlyJsonError(stderr: string): ErrorBody {
  const lines = stderr.trim().split('\n');
  expect(lines).toHaveLength(1);
  const body = JSON.parse(lines[0]!) as ErrorBody;
  expect(Object.keys(body)).toEqual(['error']);
  expect(typeof body.error.message).toBe('string');
  expect(body.error.details).toBeTypeOf('object');
  return body;
}

describe('CLI errors under --json', () => {
  it.each([
    [['nope'], 'USAGE', /unknown command 'nope'/],
    [['sink', '--bogus'], 'USAGE', /unknown option '--bogus'/],
    [['sink', '--max-rows', 'abc'], 'USAGE', /positive integer, got "abc"/],
    [['sink', '--max-rows', '0x4'], 'USAGE', /positive integer, got "0x4"/],
    [['generate', '--days', '4e0', '--out', 'x.csv'], 'USAGE', /positive integer, got "4e0"/],
    [['generate', '--seed', ' 4 ', '--out', 'x.csv'], 'USAGE', /non-negative integer/],
  ])('fraudflow %j is a usage error: exit 2 and one JSON object naming it', async (args, code, message) => {
    const r = await cli([...args, '--json'], env());
    expect(r.code).toBe(2);
    const body = onlyJsonError(r.stderr);
    expect(body.error.code).toBe(code);
    expect(body.error.message).toMatch(message);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('reports a missing input file as exit 3 with its code, and no stack trace', async () => {
    const r = await cli(['ingest', join(dir.path, 'missing.csv'), '--json'], env());
    expect(r.code).toBe(3);
    const body = onlyJsonError(r.stderr);
    expect(body.error.code).toBe('FILE_UNREADABLE');
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('reports bad configuration as exit 2 with every bad variable named', async () => {
    const r = await cli(['topics', '--json'], { ...env(), FRAUDFLOW_PARTITIONS: 'many', FRAUDFLOW_INGEST_BATCH: '-1' });
    expect(r.code).toBe(2);
    const body = onlyJsonError(r.stderr);
    expect(body.error.code).toBe('CONFIG_INVALID');
    expect(body.error.message).toMatch(/FRAUDFLOW_PARTITIONS/);
    expect(body.error.message).toMatch(/FRAUDFLOW_INGEST_BATCH/);
  });

  it('prints one line for people without --json, and the stack only with FRAUDFLOW_LOG_LEVEL=debug', async () => {
    const plain = await cli(['sql', 'select * from no_such_table'], env());
    expect(plain.code).toBe(3);
    expect(plain.stderr).toMatch(/^fraudflow: error \[INPUT_INVALID\]/);
    expect(plain.stderr).not.toMatch(/\n\s+at /);
    const debug = await cli(['sql', 'select * from no_such_table'], { ...env(), FRAUDFLOW_LOG_LEVEL: 'debug' });
    expect(debug.code).toBe(3);
    expect(debug.stderr).toMatch(/\n\s+at /);
  });

  it('exits 0 for --help, and 2 with the help shown for no command at all', async () => {
    expect((await cli(['--help'], env())).code).toBe(0);
    const bare = await cli([], env());
    expect(bare.code).toBe(2);
    expect(bare.stdout + bare.stderr).toMatch(/Usage: fraudflow/);
  });
});
