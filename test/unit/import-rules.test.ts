// The layering rules, checked over the real import graph: no function imports another, shared/ imports no function
// or CLI, and only the runtime (and the entry points' own wiring) builds adapters.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, normalize } from 'node:path';
import { describe, expect, it } from 'vitest';

const repo = join(import.meta.dirname, '../..');

function tsFiles(dir: string): string[] {
  return readdirSync(join(repo, dir), { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? tsFiles(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  );
}

/** Every relative import of a file (static, type-only and dynamic), as a path from the repository root. */
function importsOf(file: string): string[] {
  const text = readFileSync(join(repo, file), 'utf8');
  const specs = [...text.matchAll(/(?:from|import)\s*\(?\s*['"](\.[^'"]+)['"]/g)].map((m) => m[1]!);
  return specs.map((s) => normalize(join(dirname(file), s)));
}

const SOURCES = [...tsFiles('functions'), ...tsFiles('shared'), ...tsFiles('cli')];
const functionOf = (path: string) => /^functions\/([^/]+)\//.exec(path)?.[1];

/** Adapters: the technology-specific implementations of a port. */
const ADAPTERS = [
  /^shared\/eventlog\/(embedded|kafka)\/\1\.ts$/,
  /^shared\/warehouse\/(duckdb|bigquery)\/\1\.ts$/,
  /^shared\/objectstore\/(local|gcs)\/\1\.ts$/,
  /^shared\/model\/vertex\/(vertex|publish)\.ts$/,
  /^shared\/features\/raw\/(sqlite|redis)\/\1-state\.ts$/,
];
const isAdapter = (p: string) => ADAPTERS.some((r) => r.test(p));

const violations = (rule: (file: string, target: string) => boolean) =>
  SOURCES.flatMap((f) =>
    importsOf(f)
      .filter((t) => rule(f, t))
      .map((t) => `${f} -> ${t}`),
  );

describe('import rules', () => {
  it('no function folder imports another (functions/index.ts and routes.ts only gather them)', () => {
    expect(
      violations((f, t) => {
        const from = functionOf(f);
        const to = functionOf(t);
        return from !== undefined && to !== undefined && from !== to;
      }),
    ).toEqual([]);
  });

  it('shared/ imports neither a function nor the CLI', () => {
    expect(violations((f, t) => f.startsWith('shared/') && /^(functions|cli)\//.test(t))).toEqual([]);
  });

  it("cores (a function's files other than its entry point) import ports, never adapters", () => {
    expect(violations((f, t) => functionOf(f) !== undefined && !f.endsWith('/index.ts') && isAdapter(t))).toEqual([]);
  });

  it('only shared/runtime.ts builds adapters, apart from an adapter using files of its own folder', () => {
    // The graph is the real one: the runtime reaches every adapter, and the edges number in the hundreds.
    expect(importsOf('shared/runtime.ts').filter(isAdapter).length).toBeGreaterThanOrEqual(ADAPTERS.length);
    expect(SOURCES.flatMap(importsOf).length).toBeGreaterThan(300);
    expect(
      violations((f, t) => isAdapter(t) && f !== 'shared/runtime.ts' && !(f === t || f.startsWith(dirname(t) + '/'))),
    ).toEqual([]);
  });
});
