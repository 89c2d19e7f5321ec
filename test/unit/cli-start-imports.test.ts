// What the CLI loads before a command runs, over the real import graph: no adapter library, so `--help` starts at once.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, normalize } from 'node:path';
import { describe, expect, it } from 'vitest';

const repo = join(import.meta.dirname, '../..');

/** Libraries a command loads only when it runs (each costs 50-200 MB and up to seconds of CPU at start-up). */
const HEAVY = [
  /^@tensorflow\//,
  /^@google-cloud\//,
  /^google-auth-library$/,
  /^kafkajs$/,
  /^ioredis$/,
  /^@duckdb\//,
  /^better-sqlite3$/,
  /^zod$/,
  /^croner$/,
  /^cli-progress$/,
];

/** Imports evaluated when the file is: static value imports and re-exports (not `import type`, not `import()`). */
function valueImports(file: string): string[] {
  const text = readFileSync(join(repo, file), 'utf8');
  const specs: string[] = [];
  for (const m of text.matchAll(/^(import|export)\s+(?!type\b)([^;]*?)\s+from\s+'([^']+)'|^import\s+'([^']+)'/gm)) {
    const names = m[2] ?? '';
    // `import { type A, type B }` is erased as a whole.
    const inner = /^\{([^}]*)\}$/.exec(names.trim())?.[1];
    if (inner && inner.split(',').every((n) => !n.trim() || n.trim().startsWith('type '))) continue;
    specs.push(m[3] ?? m[4]!);
  }
  return specs;
}

/** Every module loaded by importing `entry`, with the chain that loads it. */
function loadedBy(entry: string): Map<string, string[]> {
  const seen = new Map<string, string[]>();
  const walk = (file: string, chain: string[]) => {
    if (seen.has(file)) return;
    seen.set(file, chain);
    for (const spec of valueImports(file)) {
      if (spec.startsWith('.')) {
        const target = normalize(join(dirname(file), spec));
        if (existsSync(join(repo, target))) walk(target, [...chain, target]);
      } else if (!spec.startsWith('node:') && !seen.has(spec)) seen.set(spec, chain);
    }
  };
  walk(entry, [entry]);
  return seen;
}

const heavyIn = (graph: Map<string, string[]>) =>
  [...graph].filter(([m]) => HEAVY.some((r) => r.test(m))).map(([m, chain]) => `${m} <- ${chain.join(' -> ')}`);

describe('CLI start-up imports', () => {
  it('cli/main.ts and the command registrations load no adapter library and no zod', () => {
    const graph = loadedBy('cli/main.ts');
    expect(graph.has('commander')).toBe(true);
    expect(heavyIn(graph)).toEqual([]);
  });

  it('shared/runtime.ts loads no adapter library until the config selects one', () => {
    expect(heavyIn(loadedBy('shared/runtime.ts')).filter((m) => !m.startsWith('zod '))).toEqual([]);
  });
});
