// Customer and terminal profiles of the Fraud Detection Handbook's simulator: places on a 100x100 grid, spending habits.
import { type Random } from '../synth/random.ts';

export interface CustomerProfile {
  readonly id: number;
  readonly x: number;
  readonly y: number;
  readonly meanAmount: number;
  readonly stdAmount: number;
  readonly meanTxPerDay: number;
  /** Terminals within the radius: where this customer pays. */
  readonly terminals: Int32Array;
}

export interface TerminalProfile {
  readonly id: number;
  readonly x: number;
  readonly y: number;
}

export function terminalProfiles(n: number, rnd: Random): TerminalProfile[] {
  return Array.from({ length: n }, (_, id) => ({ id, x: rnd.uniform(0, 100), y: rnd.uniform(0, 100) }));
}

export function customerProfiles(
  n: number,
  terminals: readonly TerminalProfile[],
  radius: number,
  rnd: Random,
): CustomerProfile[] {
  return Array.from({ length: n }, (_, id) => {
    const x = rnd.uniform(0, 100);
    const y = rnd.uniform(0, 100);
    const meanAmount = rnd.uniform(5, 100);
    const near = terminals.filter((t) => (t.x - x) ** 2 + (t.y - y) ** 2 < radius * radius).map((t) => t.id);
    return {
      id,
      x,
      y,
      meanAmount,
      stdAmount: meanAmount / 2,
      meanTxPerDay: rnd.uniform(0, 4),
      terminals: Int32Array.from(near),
    };
  });
}
