// A zod error as the one-line-per-problem text every edge reports: "path: message" (a root issue under `root`).
import type { z } from 'zod';

export function issueLines(error: z.ZodError, root = '(top level)', prefix = ''): string[] {
  return error.issues.map((i) => `${prefix}${i.path.join('.') || root}: ${i.message}`);
}
