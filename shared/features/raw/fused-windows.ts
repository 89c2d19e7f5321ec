// The v1 windows and the v2 aggregates in one pass over each event list (the memory state's v2 read): equal to
// aggregateMs + extraMs, the reference definitions, which the feature-state contract tests compare it with.
import { RECENT_DAYS } from './spec.ts';
import type { FeatureWindows } from './port.ts';
import { customerEdges, DAY_MS, terminalEdges, type MsEvent } from './windows.ts';

export function fusedWindowsMs(
  tMs: number,
  txId: string,
  terminalId: string,
  customer: readonly MsEvent[],
  terminal: readonly MsEvent[],
): FeatureWindows {
  const cLo = customerEdges(tMs).map(([lo]) => lo);
  const cCount = cLo.map(() => 0);
  const cCents = cLo.map(() => 0);
  const cMin = Math.min(...cLo);
  let previousMs: number | null = null;
  let customerAtTerminal = 0;
  // v1's customer windows and v2's customer aggregates share one filter: the widest window, never the tx itself.
  for (const e of customer) {
    const ms = e.ms;
    if (ms <= cMin || ms > tMs || e.txId === txId) continue;
    for (let i = 0; i < cLo.length; i++)
      if (ms > cLo[i]!) {
        cCount[i]!++;
        cCents[i]! += e.amountCents;
      }
    if (previousMs === null || ms > previousMs) previousMs = ms;
    if (e.peer === terminalId) customerAtTerminal++;
  }
  const tHi = terminalEdges(tMs)[0]![1];
  const tLo = terminalEdges(tMs).map(([lo]) => lo);
  const tCount = tLo.map(() => 0);
  const tFrauds = tLo.map(() => 0);
  const tMin = Math.min(...tLo);
  const rLo = RECENT_DAYS.map((w) => tMs - w * DAY_MS);
  const recent = rLo.map(() => 0);
  const rMin = Math.min(...rLo);
  for (const e of terminal) {
    const ms = e.ms;
    if (ms > tMin && ms <= tHi)
      for (let i = 0; i < tLo.length; i++)
        if (ms > tLo[i]!) {
          tCount[i]!++;
          if (e.label === 1) tFrauds[i]!++;
        }
    if (ms > rMin && ms <= tMs && e.txId !== txId) for (let i = 0; i < rLo.length; i++) if (ms > rLo[i]!) recent[i]!++;
  }
  return {
    customer: cLo.map((_, i) => ({ count: cCount[i]!, cents: cCents[i]! })),
    terminal: tLo.map((_, i) => ({ count: tCount[i]!, frauds: tFrauds[i]! })),
    extra: { previousMs, customerAtTerminal, terminalRecent: recent },
  };
}
