// Which code trained a model: the git commit when the source is a checkout, else the package version.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';

let cached: string | undefined;

export function codeVersion(): string {
  return (cached ??= fromGit() ?? fromPackage());
}

function fromGit(): string | undefined {
  try {
    const sha = execFileSync('git', ['rev-parse', '--short=12', 'HEAD'], {
      cwd: import.meta.dirname,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
      timeout: 5000,
    }).trim();
    return /^[0-9a-f]{7,40}$/.test(sha) ? `git:${sha}` : undefined;
  } catch {
    return undefined; // not a checkout (a deployed function): the package version says it
  }
}

/** From the source tree (functions/retrain) or the build (dist/functions/retrain). */
function fromPackage(): string {
  for (const up of ['../..', '../../..']) {
    try {
      const pkg = JSON.parse(readFileSync(resolve(import.meta.dirname, up, 'package.json'), 'utf8')) as {
        name?: string;
        version?: string;
      };
      if (pkg.name === 'fraudflow') return `${pkg.name}@${pkg.version ?? 'unknown'}`;
    } catch {
      // not there: try one level further up
    }
  }
  return 'unknown';
}
