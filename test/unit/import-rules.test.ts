// The layering rules, checked over the real import graph: no function imports another, shared/ imports no function
// or CLI, each port's adapters sit in folders of their own and import no other adapter, and only the runtime builds them.
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

/**
 * Ports and their adapters: a port folder holds port.ts, domain code over the port, and one folder per adapter
 * (the adapter's entry file is named for the folder, its helpers beside it).
 */
const PORTS: Record<string, string[]> = {
  'shared/eventlog': ['embedded', 'kafka'],
  'shared/warehouse': ['duckdb', 'bigquery'],
  'shared/objectstore': ['local', 'gcs'],
  'shared/model': ['local', 'vertex'],
  'shared/model/registry': ['objectstore'],
  'shared/features/raw': ['sqlite', 'redis'],
};
/** Subfolders of a port folder that are not adapters: domain code, or a port of its own. */
const NOT_ADAPTERS = new Set(['shared/model/gbdt', 'shared/model/registry']);
const ADAPTER_DIRS = Object.entries(PORTS).flatMap(([port, names]) => names.map((n) => `${port}/${n}`));
/** The adapter folder a file belongs to, if any. */
const adapterOf = (p: string) => ADAPTER_DIRS.find((d) => p.startsWith(d + '/'));
const isAdapter = (p: string) => adapterOf(p) !== undefined;
/** What the runtime builds: each adapter's entry file. */
const ADAPTER_ENTRIES = [
  'shared/eventlog/embedded/embedded.ts',
  'shared/eventlog/kafka/kafka.ts',
  'shared/warehouse/duckdb/duckdb.ts',
  'shared/warehouse/bigquery/bigquery.ts',
  'shared/objectstore/local/local.ts',
  'shared/objectstore/gcs/gcs.ts',
  'shared/model/local/local.ts',
  'shared/model/vertex/vertex.ts',
  'shared/model/vertex/publish.ts',
  'shared/model/registry/objectstore/registry.ts',
  'shared/features/raw/sqlite/sqlite-state.ts',
  'shared/features/raw/redis/redis-state.ts',
];

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

  it('each port folder holds port.ts, and every folder inside it is a known adapter or domain code', () => {
    for (const [port, adapters] of Object.entries(PORTS)) {
      expect(readdirSync(join(repo, port))).toContain('port.ts');
      const dirs = readdirSync(join(repo, port), { withFileTypes: true })
        .filter((e) => e.isDirectory())
        .map((e) => `${port}/${e.name}`)
        .filter((d) => !NOT_ADAPTERS.has(d));
      expect(dirs.sort()).toEqual(adapters.map((a) => `${port}/${a}`).sort());
    }
    for (const entry of ADAPTER_ENTRIES) expect(SOURCES).toContain(entry);
  });

  it('an adapter imports no file of another adapter (its port, domain code and its own folder only)', () => {
    expect(violations((f, t) => isAdapter(f) && isAdapter(t) && adapterOf(f) !== adapterOf(t))).toEqual([]);
  });

  it('domain code, ports and cores never import an adapter: only shared/runtime.ts (the composition root) builds them', () => {
    // The graph is the real one: the runtime reaches every adapter, and the edges number in the hundreds.
    const built = importsOf('shared/runtime.ts');
    expect(ADAPTER_ENTRIES.filter((e) => !built.includes(e))).toEqual([]);
    expect(SOURCES.flatMap(importsOf).length).toBeGreaterThan(300);
    expect(violations((f, t) => isAdapter(t) && !isAdapter(f) && f !== 'shared/runtime.ts')).toEqual([]);
  });
});
