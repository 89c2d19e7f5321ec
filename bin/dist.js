// Whether dist/ (the compiled JavaScript) is fresh: its stamp is newer than every TypeScript source and build setting.
import { readdirSync, statSync } from 'node:fs';
import { join, sep } from 'node:path';

export const root = join(import.meta.dirname, '..');
export const STAMP = join(root, 'dist', '.built');
/** The CLI's help as data (cli/help/snapshot.ts), written by the build. */
export const HELP_SNAPSHOT = join(root, 'dist', 'cli', 'help.json');
/** What the build reads: a newer file here (an edit, a checkout, a pull) means dist/ no longer matches the sources. */
const SOURCES = ['cli', 'functions', 'shared', 'deploy'];
const SETTINGS = ['tsconfig.json', 'tsconfig.build.json', 'package.json'];

function newestTs(dir, newest) {
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return newest;
  }
  for (const e of entries) {
    if (e.isDirectory()) {
      if (e.name !== 'node_modules' && e.name !== 'out' && !e.name.startsWith('.'))
        newest = newestTs(join(dir, e.name), newest);
    } else if (e.name.endsWith('.ts')) newest = Math.max(newest, statSync(join(dir, e.name)).mtimeMs);
  }
  return newest;
}

/**
 * Installed from the registry (the package sits under node_modules/): the shipped dist/ is the code and nobody edits
 * the sources there, so the walk over them (most of a --help's own time) is skipped.
 */
const installed = root.split(sep).includes('node_modules');

export function distIsFresh() {
  let built;
  try {
    built = statSync(STAMP).mtimeMs;
  } catch {
    return false;
  }
  if (installed) return true;
  let newest = 0;
  for (const f of SETTINGS) newest = Math.max(newest, statSync(join(root, f), { throwIfNoEntry: false })?.mtimeMs ?? 0);
  for (const d of SOURCES) newest = newestTs(join(root, d), newest);
  return newest < built;
}

/**
 * Whether dist/ is fresh for these sources alone (paths relative to the repository): what a help answer is made of.
 * A few dozen stats instead of the walk over every source.
 */
export function freshFor(files) {
  let built;
  try {
    built = statSync(STAMP).mtimeMs;
  } catch {
    return false;
  }
  if (installed) return true;
  for (const f of [...SETTINGS, ...files])
    if ((statSync(join(root, f), { throwIfNoEntry: false })?.mtimeMs ?? Infinity) >= built) return false;
  return true;
}
