// Build step: the CLI's help as data (dist/cli/help.json) from the built program, with the sources it was made from.
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { HELP_SNAPSHOT, root } from './dist.js';

const dist = join(root, 'dist');

/** The built files `entry` loads (static imports: tsc erased the type-only ones), as their TypeScript sources. */
function sourcesOf(entries) {
  const seen = new Set();
  const walk = (file) => {
    if (seen.has(file)) return;
    seen.add(file);
    for (const m of readFileSync(file, 'utf8').matchAll(
      /^(?:import|export)\s[^;]*?from\s*"(\.[^"]+)"|^import\s*"(\.[^"]+)"/gm,
    ))
      walk(join(dirname(file), m[1] ?? m[2]));
  };
  for (const e of entries) walk(join(dist, e));
  return [...seen].map((f) => relative(dist, f).replace(/\.js$/, '.ts')).sort();
}

export async function writeHelpSnapshot() {
  const { buildProgram } = await import('../dist/cli/main.js');
  const { helpEntry } = await import('../dist/cli/help/snapshot.js');
  const program = buildProgram(() => {
    throw new Error('help snapshot: no command runs at build time');
  });
  const inputs = sourcesOf(['cli/main.js', 'cli/help/fast.js']);
  writeFileSync(HELP_SNAPSHOT, JSON.stringify({ root: helpEntry(program), inputs }));
}
