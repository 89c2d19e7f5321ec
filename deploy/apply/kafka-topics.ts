// Converges Kafka topics to the configured partitions and retention through the admin API: create, add partitions, set retention.
import kafkajs, { type Admin } from 'kafkajs';
import { FraudflowError } from '../../shared/errors.ts';
import { kafkaError } from '../../shared/eventlog/kafka/errors.ts';
import { withRetry } from '../../shared/retry.ts';

// kafkajs is CommonJS and assigns these enums after its exports Node can detect: take them from the default export.
const { ConfigResourceTypes, ConfigSource } = kafkajs;

export interface WantedTopic {
  readonly name: string;
  readonly partitions: number;
  /** retention.ms; -1 for no limit. */
  readonly retentionMs: number;
}

export interface TopicOutcome {
  readonly topic: string;
  readonly action: 'created' | 'updated' | 'unchanged';
  readonly partitions: number;
  readonly retentionMs: number;
  readonly changes: string[];
}

/** `--topic=name:partitions:retentionMs`, parsed strictly. */
export function parseTopicArg(arg: string): WantedTopic {
  const m = /^([A-Za-z0-9._-]{1,249}):(\d{1,5}):(-1|\d{5,})$/.exec(arg);
  if (!m)
    throw new FraudflowError(
      'CONFIG_INVALID',
      `--topic ${arg}: expected name:partitions:retentionMs (e.g. transactions:12:604800000)`,
      { arg },
    );
  return { name: m[1]!, partitions: Number(m[2]), retentionMs: Number(m[3]) };
}

/** Creates the missing topics and grows the others to their wanted partitions and retention, in the order given. */
export async function ensureKafkaTopics(
  admin: Admin,
  wanted: readonly WantedTopic[],
  replicationFactor: number,
): Promise<TopicOutcome[]> {
  const existing = new Set(await call(() => admin.listTopics(), 'list topics'));
  const out: TopicOutcome[] = [];
  for (const t of wanted) {
    if (!existing.has(t.name)) {
      await createTopic(admin, t, replicationFactor);
      out.push({ topic: t.name, action: 'created', partitions: t.partitions, retentionMs: t.retentionMs, changes: [] });
      continue;
    }
    const changes = [...(await growPartitions(admin, t)), ...(await setRetention(admin, t))];
    out.push({
      topic: t.name,
      action: changes.length ? 'updated' : 'unchanged',
      partitions: t.partitions,
      retentionMs: t.retentionMs,
      changes,
    });
  }
  return out;
}

/** Creates the topic and waits until every partition has a leader: created means usable. */
async function createTopic(admin: Admin, t: WantedTopic, replicationFactor: number): Promise<void> {
  // Retried (see call): a create whose answer was lost is found created on the next try, which then resolves false.
  await call(
    () =>
      admin.createTopics({
        waitForLeaders: true,
        topics: [
          {
            topic: t.name,
            numPartitions: t.partitions,
            replicationFactor,
            configEntries: [{ name: 'retention.ms', value: String(t.retentionMs) }],
          },
        ],
      }),
    `create topic ${t.name}`,
  );
  await call(async () => {
    // Created means usable: every partition has a leader in the metadata.
    const led =
      (await admin.fetchTopicMetadata({ topics: [t.name] })).topics[0]?.partitions.filter((p) => p.leader >= 0)
        .length ?? 0;
    if (led < t.partitions)
      throw new FraudflowError(
        'EVENTLOG_UNAVAILABLE',
        `kafka: ${led} of ${t.partitions} partitions of ${t.name} have a leader`,
        { topic: t.name },
      );
  }, `see topic ${t.name} led`);
}

/** Adds partitions up to the wanted count (Kafka cannot remove any: fewer wanted is a config error). */
async function growPartitions(admin: Admin, t: WantedTopic): Promise<string[]> {
  const meta = await call(() => admin.fetchTopicMetadata({ topics: [t.name] }), `describe topic ${t.name}`);
  const have = meta.topics[0]?.partitions.length ?? 0;
  if (have > t.partitions) {
    throw new FraudflowError(
      'CONFIG_INVALID',
      `kafka: topic ${t.name} has ${have} partitions and the config asks for ${t.partitions}: Kafka cannot remove partitions; set ${have} or more`,
      { topic: t.name, have, wanted: t.partitions },
    );
  }
  if (have === t.partitions) return [];
  await call(
    () => admin.createPartitions({ topicPartitions: [{ topic: t.name, count: t.partitions }] }),
    `add partitions to ${t.name}`,
  );
  return [`partitions ${have} -> ${t.partitions}`];
}

/** Sets retention.ms when it differs, keeping the topic's other overrides. */
async function setRetention(admin: Admin, t: WantedTopic): Promise<string[]> {
  const overrides = await topicOverrides(admin, t.name);
  const current = overrides.get('retention.ms');
  if (current === String(t.retentionMs)) return [];
  // AlterConfigs replaces a topic's whole set of overrides: send the others back unchanged.
  overrides.set('retention.ms', String(t.retentionMs));
  await call(
    () =>
      admin.alterConfigs({
        validateOnly: false,
        resources: [
          {
            type: ConfigResourceTypes.TOPIC,
            name: t.name,
            configEntries: [...overrides].map(([name, value]) => ({ name, value })),
          },
        ],
      }),
    `set retention of ${t.name}`,
  );
  return [`retention.ms ${current ?? '(broker default)'} -> ${t.retentionMs}`];
}

/** The topic's own settings (not broker defaults), by name. */
export async function topicOverrides(admin: Admin, topic: string): Promise<Map<string, string>> {
  const res = await call(
    () =>
      admin.describeConfigs({ includeSynonyms: false, resources: [{ type: ConfigResourceTypes.TOPIC, name: topic }] }),
    `describe configs of ${topic}`,
  );
  const entries = res.resources[0]?.configEntries ?? [];
  return new Map(
    entries
      .filter((e) => e.configSource === ConfigSource.TOPIC_CONFIG && !e.isSensitive)
      .map((e) => [e.configName, e.configValue]),
  );
}

/** One admin call, retried for 30 s while kafkajs says the failure may pass (a busy broker answers UNKNOWN_TOPIC_OR_PARTITION right after a create). */
async function call<T>(op: () => Promise<T>, what: string): Promise<T> {
  return withRetry(
    async () => {
      try {
        return await op();
      } catch (e) {
        throw kafkaError(e, `kafka: cannot ${what}`, { operation: what });
      }
    },
    { deadlineMs: 30_000 },
  );
}
