// The plan's functions: each deployed with its environment file, its network, the trigger subscription Eventarc makes
// (tuned once it exists), the push entry point, and the invoker rights that follow the deploys.
import * as cmd from '../commands.ts';
import { settingsFor } from '../config.ts';
import { functionEnv } from '../env.ts';
import { descriptor, FUNCTIONS, type FunctionDescriptor } from '../functions.ts';
import { pushFunctionSteps } from '../push.ts';
import type { PlanContext } from './context.ts';
import { directVpcSteps } from './network.ts';

export function functionSteps(ctx: PlanContext): void {
  const { c, add, file } = ctx;
  for (const fn of FUNCTIONS) {
    const env = functionEnv(c, fn);
    const envFile = file(`env/${fn.folder}.yaml`, cmd.envYaml(env.vars));
    add({
      id: `function:${fn.folder}`,
      kind: 'function',
      resource: cmd.functionName(c, fn.folder),
      command: cmd.deployCommand(c, fn, env, envFile),
    });
    directVpcSteps(ctx, fn);
    triggerSubscriptionSteps(ctx, fn);
  }
  if (c.streamPush) {
    // The push entry point of score-stream: the same code, account and environment, its own service and scale.
    const env = functionEnv(c, descriptor('score-stream'));
    const envFile = file('env/score-stream-push.yaml', cmd.envYaml(env.vars));
    for (const step of pushFunctionSteps(c, c.streamPush, env, envFile)) add(step);
  }
}

/** Eventarc delivers through a Pub/Sub push subscription of its own: tune it once the trigger exists. */
function triggerSubscriptionSteps({ c, add }: PlanContext, fn: FunctionDescriptor): void {
  const s = settingsFor(c, fn.folder);
  if (fn.trigger.kind === 'http' || s.schedule?.via === 'http') return;
  add({
    id: `subscription:${fn.folder}`,
    kind: 'pubsub-subscription',
    resource: `${cmd.functionName(c, fn.folder)}'s trigger subscription: ack deadline ${cmd.ackDeadlineSeconds(s.timeoutSeconds)} s${s.deadLetter ? `, dead letters to ${cmd.deadLetterTopic(c, fn.folder)} after ${s.deadLetter.maxDeliveryAttempts} deliveries` : ''}`,
    command: cmd.triggerSubscriptionCommand(c, fn),
    why: 'a delivery still running when its ack deadline passes is sent again',
  });
  if (s.deadLetter)
    add({
      id: `iam:dead-letter:${fn.folder}`,
      kind: 'iam',
      resource: `Pub/Sub service agent: roles/pubsub.publisher on ${cmd.deadLetterTopic(c, fn.folder)}, roles/pubsub.subscriber on the trigger subscription`,
      command: cmd.deadLetterGrantsCommand(c, fn.folder),
      why: 'Pub/Sub forwards undeliverable events as its own service agent',
    });
}

/** Invoker rights exist per Cloud Run service, so they follow the deploys. */
export function invokerSteps({ c, add, member }: PlanContext): void {
  for (const fn of FUNCTIONS) {
    const members = fn.trigger.kind === 'http' ? [...(settingsFor(c, fn.folder).invokers ?? [])] : [member('invoker')];
    for (const m of members) {
      add({
        id: `iam:run-invoker:${fn.folder}:${m}`,
        kind: 'iam',
        resource: `${m}: roles/run.invoker on ${cmd.functionName(c, fn.folder)}`,
        command: cmd.invokerGrantCommand(c, fn.folder, m),
        why:
          fn.trigger.kind === 'http'
            ? 'a caller named in the config'
            : "Eventarc delivers the trigger's events as this account",
      });
    }
  }
}
