// What each deployed function loads at start-up, over the real static import graph: its own modules, never another
// function's, and no tf.js for score, ingest or sink (a network's weights load it when they are read).
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, normalize } from 'node:path';
import { describe, expect, it } from 'vitest';

const repo = join(import.meta.dirname, '../..');

/** Imports evaluated when the file is: static value imports and re-exports (not `import type`, not `import()`). */
function valueImports(file: string): string[] {
  const text = readFileSync(join(repo, file), 'utf8');
  const specs: string[] = [];
  for (const m of text.matchAll(/^(import|export)\s+(?!type\b)([^;]*?)\s+from\s+'([^']+)'|^import\s+'([^']+)'/gm)) {
    const inner = /^\{([^}]*)\}$/.exec((m[2] ?? '').trim())?.[1];
    if (inner && inner.split(',').every((n) => !n.trim() || n.trim().startsWith('type '))) continue;
    specs.push(m[3] ?? m[4]!);
  }
  return specs;
}

function loadedBy(entry: string): Set<string> {
  const seen = new Set<string>();
  const walk = (file: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    for (const spec of valueImports(file)) {
      if (!spec.startsWith('.')) seen.add(spec);
      else if (existsSync(join(repo, normalize(join(dirname(file), spec))))) walk(normalize(join(dirname(file), spec)));
    }
  };
  walk(entry);
  return seen;
}

const FUNCTIONS = ['ingest', 'sink', 'retrain', 'score', 'score-stream', 'review'];

describe('deployed function start-up imports', () => {
  it('the entry module loads no function statically (FUNCTION_TARGET picks the one to import)', () => {
    const graph = [...loadedBy('functions/index.ts')];
    expect(graph.filter((m) => FUNCTIONS.some((f) => m.startsWith(`functions/${f}/`)))).toEqual([]);
  });

  it.each(FUNCTIONS)('%s loads no other function folder', (fn) => {
    const others = [...loadedBy(`functions/${fn}/index.ts`)].filter(
      (m) => m.startsWith('functions/') && !m.startsWith(`functions/${fn}/`),
    );
    expect(others).toEqual([]);
  });

  it.each(['score', 'ingest', 'sink', 'score-stream', 'review'])('%s loads no tf.js at start-up', (fn) => {
    const graph = [...loadedBy('functions/index.ts'), ...loadedBy(`functions/${fn}/index.ts`)];
    expect(graph.filter((m) => m.startsWith('@tensorflow/') || m === 'shared/model/tf.ts')).toEqual([]);
  });
});
