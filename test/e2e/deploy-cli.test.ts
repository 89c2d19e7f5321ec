// `fraudflow deploy plan|apply` as an operator runs them: the JSON plan, the refusal without --yes, the dry run's files.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadDeployConfig } from '../../cli/commands/deploy-config.ts';
import { buildPlan, type Plan } from '../../deploy/plan/plan.ts';
import { cli } from '../helpers/cli.ts';

const repo = join(import.meta.dirname, '../..');

/** The real CLI program in this process (its start-up is seconds; one child process below proves the bin wiring). */
async function inProcess(argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const { main } = await import('../../cli/main.ts');
  let stdout = '';
  let stderr = '';
  const [out, err] = [process.stdout.write, process.stderr.write];
  process.stdout.write = ((chunk: string | Uint8Array) => (
    (stdout += String(chunk)),
    true
  )) as typeof process.stdout.write;
  process.stderr.write = ((chunk: string | Uint8Array) => (
    (stderr += String(chunk)),
    true
  )) as typeof process.stderr.write;
  try {
    return { code: await main(['node', 'fraudflow', ...argv]), stdout, stderr };
  } finally {
    [process.stdout.write, process.stderr.write] = [out, err];
  }
}
const config = join(repo, 'deploy/fraudflow.deploy.json');
// The plan's folder must be inside the repository (Cloud Build uploads it with the sources).
mkdirSync(join(repo, '.local'), { recursive: true });
const out = mkdtempSync(join(repo, '.local', 'deploy-out-'));
const outRel = relative(repo, out);
afterAll(() => rmSync(out, { recursive: true, force: true }));

describe('fraudflow deploy', () => {
  it('plans as the library does, refuses to apply without --yes, and a dry run writes every file the commands read', async () => {
    const badConfig = join(out, 'bad.json');
    writeFileSync(
      badConfig,
      JSON.stringify({ ...JSON.parse(readFileSync(config, 'utf8')), prefix: 'Fraud Flow', apiKeySecret: '' }),
    );
    const args = ['--config', config, '--project', 'fraud-test-2', '--region', 'us-central1'];
    const child = cli(['deploy', 'plan', ...args, '--json'], {});
    const refused = await inProcess(['deploy', 'apply', ...args]);
    const dry = await inProcess(['deploy', 'apply', ...args, '--dry-run', '--out', outRel]);
    const outside = await inProcess(['deploy', 'plan', ...args, '--out', '/tmp']);
    const invalid = await inProcess(['deploy', 'plan', '--config', badConfig]);
    const planned = await child;

    expect(planned.code, planned.stderr).toBe(0);
    const expected = buildPlan(await loadDeployConfig(config, { project: 'fraud-test-2', region: 'us-central1' }));
    expect(JSON.parse(planned.stdout) as Plan).toEqual(expected);

    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain(
      'deploy apply creates and changes resources in project fraud-test-2: pass --yes to go ahead, or --dry-run to see the commands',
    );

    expect(dry.code, dry.stderr).toBe(0);
    for (const s of expected.steps.filter((x) => x.kind === 'function'))
      expect(dry.stdout).toContain(`+ ${s.command.replaceAll('deploy/out/', `${outRel}/`)}`);
    const written = buildPlan(await loadDeployConfig(config, { project: 'fraud-test-2', region: 'us-central1' }), {
      filesDir: outRel,
    });
    for (const [name, content] of Object.entries(written.files))
      expect(readFileSync(join(out, name), 'utf8')).toBe(content);
    const script = join(out, 'apply.sh');
    expect(statSync(script).mode & 0o111).not.toBe(0);
    expect(spawnSync('bash', ['-n', script]).status).toBe(0);
    expect(readFileSync(script, 'utf8')).toContain(`\ncd "$(dirname "$0")/${relative(out, repo)}"\n`);
    expect(outside.code).toBe(2);
    expect(outside.stderr).toContain('--out /tmp must be a folder inside the repository');

    expect(invalid.code).toBe(2);
    expect(invalid.stderr).toMatch(/prefix: lowercase letters.*apiKeySecret: a Secret Manager secret id/);
  });
});
