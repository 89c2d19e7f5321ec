// An event log whose topic names carry a prefix (each test run its own topics on a shared broker), as seen from the cores.
import type { EventLog, GroupConsumer } from '../../shared/eventlog/port.ts';

/** `log` with every topic `x` the cores name stored as `${prefix}x`; topics without the prefix are not listed. */
export function prefixedEventLog(log: EventLog, prefix: string): EventLog {
  const to = (topic: string) => `${prefix}${topic}`;
  return {
    kind: log.kind,
    ensureTopic: (spec) => log.ensureTopic({ ...spec, name: to(spec.name) }),
    produce: async (topic, messages) => ({ ...(await log.produce(to(topic), messages)), topic }),
    async consumer(group, topic): Promise<GroupConsumer> {
      const c = await log.consumer(group, to(topic));
      return {
        group,
        topic,
        poll: async (options) => (await c.poll(options)).map((r) => ({ ...r, topic })),
        commit: (offsets) => c.commit(offsets),
        close: () => c.close(),
      };
    },
    committedOffsets: (group, topic) => log.committedOffsets(group, to(topic)),
    activeMembers: (group, topic) => log.activeMembers(group, to(topic)),
    listTopics: async () =>
      (await log.listTopics())
        .filter((t) => t.name.startsWith(prefix))
        .map((t) => ({ ...t, name: t.name.slice(prefix.length) })),
    describeTopic: async (topic) => ({ ...(await log.describeTopic(to(topic))), name: topic }),
    close: () => log.close(),
  };
}
