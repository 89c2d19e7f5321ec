// The champion history read as a stack: promotions push, rollbacks pop (what a rollback goes back to).
import { FraudflowError } from '../../errors.ts';
import type { ChampionPointer } from '../../schema/model-manifest.ts';

/** The champion stack the history describes: promotions push, rollbacks pop; the last entry is the champion. */
export function championStack(history: ChampionPointer['history']): string[] {
  const stack: string[] = [];
  for (const h of history) {
    if (h.action === 'rollback') stack.pop();
    else stack.push(h.version);
  }
  return stack;
}

/** The champion a rollback goes back to: the one below the current on the stack (NOT_FOUND when there is none). */
export function previousChampion(pointer: ChampionPointer | null): string {
  const previous = championStack(pointer?.history ?? []).at(-2);
  if (!pointer || previous === undefined)
    throw new FraudflowError('NOT_FOUND', 'rollback: there is no earlier champion to go back to');
  return previous;
}
