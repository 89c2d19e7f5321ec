// The plan's secrets: checked to exist, never created (the plan never sees secret values).
import * as cmd from '../commands.ts';
import type { PlanContext } from './context.ts';

export function secretSteps({ c, add }: PlanContext): void {
  const k = c.kafka;
  const secretIds = k.provider === 'external' ? [k.usernameSecret, k.passwordSecret, c.apiKeySecret] : [c.apiKeySecret];
  for (const secret of secretIds) {
    add({
      id: `secret:${secret}`,
      kind: 'secret',
      resource: secret,
      command: cmd.secretCheckCommand(c, secret),
      why: 'created by you beforehand (deploy/README.md): the plan never sees secret values',
    });
  }
}
