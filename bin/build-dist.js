#!/usr/bin/env node
// `npm run build` (and npm ci's prepare): compiles the TypeScript to dist/ with tsc, writes the CLI's help snapshot,
// then stamps it with the time the build began.
import { spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, rmSync, utimesSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { root, STAMP } from './dist.js';

// A source edited while tsc runs is newer than the stamp, so dist/ counts as stale and tsx runs it.
const started = new Date();
let tsc;
try {
  tsc = createRequire(join(root, 'package.json')).resolve('typescript/bin/tsc');
} catch {
  // An install without dev dependencies has no compiler: the CLI runs the sources through tsx.
  process.stderr.write('build: typescript is not installed; skipped (bin/fraudflow.js runs the sources with tsx)\n');
  process.exit(0);
}
if (!existsSync(join(root, 'tsconfig.build.json'))) {
  // Docker's first layer installs from package.json alone; `npm run build` runs again once the sources are copied.
  process.stderr.write('build: no sources here yet; skipped\n');
  process.exit(0);
}
rmSync(STAMP, { force: true });
const r = spawnSync(process.execPath, [tsc, '-p', 'tsconfig.build.json'], { cwd: root, stdio: 'inherit' });
if (r.status !== 0) process.exit(r.status ?? 1);
await (await import('./help-snapshot.js')).writeHelpSnapshot();
mkdirSync(dirname(STAMP), { recursive: true });
closeSync(openSync(STAMP, 'w'));
utimesSync(STAMP, started, started);
