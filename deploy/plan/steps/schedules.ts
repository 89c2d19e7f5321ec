// The plan's Cloud Scheduler jobs, last among the functions' steps: each ticks a deployed function, over Pub/Sub or HTTP.
import * as cmd from '../commands.ts';
import { settingsFor } from '../config.ts';
import { FUNCTIONS } from '../functions.ts';
import type { PlanContext } from './context.ts';

export function scheduleSteps({ c, add }: PlanContext): void {
  for (const fn of FUNCTIONS.filter((f) => f.trigger.kind === 'schedule')) {
    const target =
      settingsFor(c, fn.folder).schedule?.via === 'http'
        ? `${cmd.functionName(c, fn.folder)} (HTTP, OIDC)`
        : cmd.tickTopic(c, fn.folder);
    add({
      id: `schedule:${fn.folder}`,
      kind: 'schedule',
      resource: `${cmd.schedulerJob(c, fn.folder)} -> ${target}`,
      command: cmd.scheduleCommand(c, fn),
    });
  }
}
