// Rules versions on the object store, like model versions: each file stored with its manifest (hash, created at),
// and a pointer to the version in force with its history; a scorer reads the pointer as it reads the champion's.
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { FraudflowError, isFraudflowError } from '../../errors.ts';
import type { ObjectStore } from '../../objectstore/port.ts';
import { isoDateTime } from '../../schema/raw.ts';
import { issueLines } from '../../schema/issues.ts';
import { RULE_FORMATS } from './fields.ts';
import { RulesFile } from './schema.ts';
import { ruleSetOf, type RuleSet } from './ruleset.ts';

export const RulesManifest = z
  .object({
    version: z.string().regex(/^[\w.-]{1,80}$/),
    /** sha256 of the stored rules file (its canonical JSON). */
    hash: z.string().regex(/^[0-9a-f]{64}$/),
    created_at: isoDateTime,
    format: z.enum(RULE_FORMATS),
    rules: z.number().int().nonnegative(),
    list_entries: z.number().int().nonnegative(),
    description: z.string().max(500).optional(),
  })
  .strict();
export type RulesManifest = z.infer<typeof RulesManifest>;

export const RulesPointer = z
  .object({
    version: z.string(),
    history: z.array(z.object({ version: z.string(), at: isoDateTime, reason: z.string() }).strict()),
  })
  .strict();
export type RulesPointer = z.infer<typeof RulesPointer>;

const key = (version: string, file: string) => `versions/${version}/${file}`;
const CURRENT = 'current.json';

/** A rules file's text parsed by the grammar, each problem named with its path (INPUT_INVALID). */
export function parseRulesFile(text: string, source: string): RulesFile {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new FraudflowError('INPUT_INVALID', `${source}: not JSON`);
  }
  const r = RulesFile.safeParse(json);
  if (!r.success) {
    const issues = issueLines(r.error);
    throw new FraudflowError('INPUT_INVALID', `${source}: not a valid rules file: ${issues.slice(0, 5).join('; ')}`, {
      issues,
    });
  }
  return r.data;
}

export class RulesRegistry {
  constructor(private readonly store: ObjectStore) {}

  /** Stores the file as a new version (the manifest last) and puts it in force; the version in force again is a no-op. */
  async publish(file: RulesFile, reason: string, at: Date = new Date()): Promise<RulesManifest> {
    const text = JSON.stringify(file, null, 2) + '\n';
    const hash = createHash('sha256').update(text).digest('hex');
    const pointer = await this.pointer();
    if (pointer) {
      const current = await this.manifest(pointer.version);
      if (current.hash === hash) return current;
    }
    const stamp = at
      .toISOString()
      .replace(/[-:]/g, '')
      .replace(/\.\d+Z$/, 'Z');
    const manifest: RulesManifest = {
      version: `rules-${stamp}-${hash.slice(0, 8)}`,
      hash,
      created_at: at.toISOString(),
      format: file.format,
      rules: file.rules.length,
      list_entries: Object.values(file.lists ?? {}).reduce(
        (n, lists) => n + Object.values(lists ?? {}).reduce((m, ids) => m + (ids?.length ?? 0), 0),
        0,
      ),
    };
    if (await this.store.exists(key(manifest.version, 'manifest.json')))
      throw new FraudflowError(
        'INPUT_INVALID',
        `rules version ${manifest.version} exists; versions are never overwritten`,
      );
    await this.store.write(key(manifest.version, 'rules.json'), text);
    await this.store.write(key(manifest.version, 'manifest.json'), JSON.stringify(manifest, null, 2));
    const next: RulesPointer = {
      version: manifest.version,
      history: [...(pointer?.history ?? []), { version: manifest.version, at: manifest.created_at, reason }],
    };
    // One small object replaced whole: a scorer reads the old version or the new one, never a mix.
    await this.store.write(CURRENT, JSON.stringify(next, null, 2));
    return manifest;
  }

  async manifest(version: string): Promise<RulesManifest> {
    return RulesManifest.parse(JSON.parse((await this.read(version, 'manifest.json')).toString('utf8')));
  }

  async load(version: string): Promise<RuleSet> {
    const file = parseRulesFile((await this.read(version, 'rules.json')).toString('utf8'), `rules version ${version}`);
    return ruleSetOf(file, version);
  }

  /** Every version, oldest first. */
  async list(): Promise<RulesManifest[]> {
    const files = await this.store.list('versions/');
    const versions = files.filter((f) => f.key.endsWith('/manifest.json')).map((f) => f.key.split('/')[1]!);
    const out = await Promise.all(versions.map((v) => this.manifest(v)));
    return out.sort((a, b) => a.created_at.localeCompare(b.created_at) || a.version.localeCompare(b.version));
  }

  /** The pointer to the version in force, or null before any publish. */
  async pointer(): Promise<RulesPointer | null> {
    try {
      return RulesPointer.parse(JSON.parse((await this.store.readAll(CURRENT)).toString('utf8')));
    } catch (e) {
      if (isFraudflowError(e) && e.code === 'NOT_FOUND') return null;
      throw e;
    }
  }

  private async read(version: string, file: string): Promise<Buffer> {
    const missing = () =>
      new FraudflowError('NOT_FOUND', `rules version ${version} is not in the registry (fraudflow rules list)`, {
        version,
      });
    if (!/^[\w.-]{1,80}$/.test(version)) throw missing();
    try {
      return await this.store.readAll(key(version, file));
    } catch (e) {
      if (isFraudflowError(e) && e.code === 'NOT_FOUND') throw missing();
      throw e;
    }
  }
}
