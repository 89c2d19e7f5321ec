// Resident memory of a child process (Linux /proc), sampled while something runs.
import { readFileSync } from 'node:fs';

export function rssBytes(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  if (!m) throw new Error(`no VmRSS for ${pid}`);
  return Number(m[1]) * 1024;
}

/** Runs `work` while sampling the child's RSS every `everyMs`; returns its result and the highest RSS seen. */
export async function peakRssDuring<T>(
  pid: number,
  work: () => Promise<T>,
  everyMs = 25,
): Promise<{ result: T; peak: number }> {
  let peak = rssBytes(pid);
  const timer = setInterval(() => {
    try {
      peak = Math.max(peak, rssBytes(pid));
    } catch {
      // the process ended: the caller's assertions say so
    }
  }, everyMs);
  try {
    const result = await work();
    peak = Math.max(peak, rssBytes(pid));
    return { result, peak };
  } finally {
    clearInterval(timer);
  }
}
