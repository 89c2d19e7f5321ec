// The object store as a local folder: keys are relative paths; writes are atomic (temp file + rename).
import { createReadStream } from 'node:fs';
import { mkdir, readFile, readdir, realpath, rename, stat, writeFile } from 'node:fs/promises';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { FraudflowError } from '../../errors.ts';
import type { ObjectInfo, ObjectStore } from '../port.ts';

export class LocalObjectStore implements ObjectStore {
  readonly kind = 'local';
  constructor(private readonly root: string) {}

  uri(key: string): string {
    return this.pathOf(key);
  }

  async read(key: string): Promise<AsyncIterable<Buffer>> {
    const path = await this.realPathOf(key);
    return createReadStream(path, { highWaterMark: 1 << 20 });
  }

  async readAll(key: string): Promise<Buffer> {
    return readFile(await this.realPathOf(key));
  }

  async write(key: string, data: Buffer | string): Promise<void> {
    const path = this.pathOf(key);
    await mkdir(dirname(path), { recursive: true });
    const tmp = `${path}.tmp-${process.pid}-${Date.now()}`;
    await writeFile(tmp, data);
    await rename(tmp, path);
  }

  async exists(key: string): Promise<boolean> {
    return stat(this.pathOf(key)).then(
      (s) => s.isFile(),
      () => false,
    );
  }

  async list(prefix: string): Promise<ObjectInfo[]> {
    const out: ObjectInfo[] = [];
    const walk = async (dir: string): Promise<void> => {
      const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
      for (const e of entries) {
        const full = join(dir, e.name);
        if (e.isDirectory()) await walk(full);
        else if (e.isFile() && !e.name.includes('.tmp-')) {
          const key = relative(this.root, full).split(sep).join('/');
          if (key.startsWith(prefix)) {
            const s = await stat(full);
            out.push({ key, size: s.size, updated: s.mtime });
          }
        }
      }
    };
    await walk(this.root);
    return out.sort((a, b) => a.key.localeCompare(b.key));
  }

  private pathOf(key: string): string {
    const path = resolve(this.root, key);
    if (path !== this.root && !path.startsWith(this.root + sep)) {
      throw new FraudflowError('INPUT_INVALID', `object key escapes the store: ${key}`, { key });
    }
    return path;
  }

  /**
   * The file a key names, links resolved: a symlink inside the store to a file outside it is refused, as `..` is.
   * Messages name the key only, never a server path.
   */
  private async realPathOf(key: string): Promise<string> {
    const path = this.pathOf(key);
    let real: string;
    let root: string;
    try {
      real = await realpath(path);
      root = await realpath(this.root);
      const s = await stat(real);
      if (!s.isFile()) throw new Error('not a file');
    } catch (e) {
      throw new FraudflowError('NOT_FOUND', `object ${key} not found`, { key }, { cause: e });
    }
    if (!real.startsWith(root + sep)) {
      throw new FraudflowError('INPUT_INVALID', `object ${key} is a link to a file outside the store; refused`, {
        key,
      });
    }
    return real;
  }
}
