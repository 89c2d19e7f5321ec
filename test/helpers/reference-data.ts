// Where the real reference data sits (../shared/data beside the checkout), and a clear reason to skip when it is absent.
import { existsSync } from 'node:fs';
import { join } from 'node:path';

export const REFERENCE_DATA = join(import.meta.dirname, '../../../shared/data');

/** The path of a reference file, or null (with the reason printed once) when this machine does not have it. */
export function referenceFile(relative: string): string | null {
  const path = join(REFERENCE_DATA, relative);
  if (existsSync(path)) return path;
  process.stderr.write(`skipping: reference data ${relative} is not at ${REFERENCE_DATA} on this machine\n`);
  return null;
}
