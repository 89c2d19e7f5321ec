// The plan's own Pub/Sub topics: each function's dead letters (with a subscription that holds them), the schedule
// ticks delivered through Pub/Sub, and the push path's topic.
import * as cmd from '../commands.ts';
import { settingsFor } from '../config.ts';
import { FUNCTIONS } from '../functions.ts';
import { pushTopicSteps } from '../push.ts';
import type { PlanContext } from './context.ts';

export function pubsubSteps({ c, add }: PlanContext): void {
  for (const fn of FUNCTIONS.filter((f) => settingsFor(c, f.folder).deadLetter)) {
    const topic = cmd.deadLetterTopic(c, fn.folder);
    add({ id: `pubsub:${topic}`, kind: 'pubsub-topic', resource: topic, command: cmd.pubsubTopicCommand(c, topic) });
    add({
      id: `pubsub:${cmd.deadLetterHold(c, fn.folder)}`,
      kind: 'pubsub-subscription',
      resource: `${cmd.deadLetterHold(c, fn.folder)} on ${topic} (kept 7 days)`,
      command: cmd.deadLetterHoldCommand(c, fn.folder),
      why: 'a topic without a subscription drops what is published to it',
    });
  }

  for (const fn of FUNCTIONS.filter((f) => settingsFor(c, f.folder).schedule?.via === 'pubsub')) {
    const topic = cmd.tickTopic(c, fn.folder);
    add({ id: `pubsub:${topic}`, kind: 'pubsub-topic', resource: topic, command: cmd.pubsubTopicCommand(c, topic) });
  }

  if (c.streamPush) for (const step of pushTopicSteps(c, c.streamPush)) add(step);
}
