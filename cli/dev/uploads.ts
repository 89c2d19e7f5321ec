// The local runner's bucket: a CSV dropped into the uploads folder is an object finalized once its size stops changing.
import { mkdirSync, readdirSync, realpathSync, statSync, watch } from 'node:fs';
import { join, sep } from 'node:path';
import type { Logger } from '../../shared/logger.ts';

export interface UploadsWatch {
  /** Stops the watcher and the size checks still waiting. */
  close(): void;
}

type StatUpload = (name: string) => { size: number; mtimeMs: number } | null;

/** Watches the folder and calls `finalized` once per new or changed upload; files there at start are not new. */
export function watchUploads(
  uploadsDir: string,
  logger: Logger,
  finalized: (name: string, size: number) => void,
): UploadsWatch {
  mkdirSync(uploadsDir, { recursive: true });
  const statUpload = uploadStat(uploadsDir, logger);
  const seen = new Map<string, number>();
  const pending = new Map<string, NodeJS.Timeout>();
  const consider = (name: string): void => {
    if (!/\.csv(\.gz)?$/.test(name) || pending.has(name)) return;
    const check = (lastSize: number) => {
      pending.set(
        name,
        setTimeout(() => {
          const s = statUpload(name);
          if (s === null) {
            pending.delete(name);
            return;
          }
          const size = s.size;
          const mtime = s.mtimeMs;
          if (size !== lastSize) return check(size);
          pending.delete(name);
          if (seen.get(name) === mtime) return;
          seen.set(name, mtime);
          logger.info('dev: upload finalized', { object: name, size });
          finalized(name, size);
        }, 300),
      );
    };
    check(-1);
  };
  for (const f of readdirSync(uploadsDir)) {
    const s = statUpload(f);
    if (s) seen.set(f, s.mtimeMs);
  }
  const watcher = watch(uploadsDir, (_event, name) => name && consider(name.toString()));
  return {
    close() {
      watcher.close();
      for (const t of pending.values()) clearTimeout(t);
    },
  };
}

/** The upload's real file, or null when it is gone or a link leading out of the folder (never followed). */
function uploadStat(uploadsDir: string, logger: Logger): StatUpload {
  const root = realpathSync(uploadsDir);
  const refused = new Set<string>();
  return (name) => {
    try {
      const real = realpathSync(join(uploadsDir, name));
      if (!real.startsWith(root + sep)) {
        if (!refused.has(name))
          logger.warn('dev: upload is a link out of the uploads folder; ignored', { object: name });
        refused.add(name);
        return null;
      }
      const s = statSync(real);
      return s.isFile() ? s : null;
    } catch {
      return null;
    }
  };
}
