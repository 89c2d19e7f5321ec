// The deploy's topic step against a real Kafka broker: creates, then converges partitions and retention, keeps other overrides, never shrinks.
import { randomUUID } from 'node:crypto';
import { Kafka, logLevel, type Admin } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureKafkaTopics, topicOverrides } from '../../deploy/apply/kafka-topics.ts';
import { cli } from '../helpers/cli.ts';
import { KAFKA_TEST_BROKERS, kafkaAvailable } from '../helpers/kafka.ts';

const up = await kafkaAvailable('deploy kafka-topics');
const run = randomUUID().slice(0, 8);
const name = (t: string) => `deploy-test-${run}.${t}`;
let admin: Admin;

describe.runIf(up)('deploy kafka-topics on a real broker', () => {
  beforeAll(async () => {
    admin = new Kafka({
      clientId: 'deploy-test',
      brokers: KAFKA_TEST_BROKERS!.split(','),
      logLevel: logLevel.NOTHING,
    }).admin();
    await admin.connect();
  });

  afterAll(async () => {
    const mine = (await admin.listTopics()).filter((t) => t.startsWith(`deploy-test-${run}.`));
    if (mine.length) await admin.deleteTopics({ topics: mine });
    await admin.disconnect();
  });

  it('creates missing topics with their partitions and retention, and changes nothing the second time', async () => {
    const wanted = [
      { name: name('a'), partitions: 3, retentionMs: 3_600_000 },
      { name: name('a.dlq'), partitions: 1, retentionMs: -1 },
    ];
    const first = await ensureKafkaTopics(admin, wanted, 1);
    expect(first.map((o) => o.action)).toEqual(['created', 'created']);
    const meta = await admin.fetchTopicMetadata({ topics: wanted.map((w) => w.name) });
    expect(Object.fromEntries(meta.topics.map((t) => [t.name, t.partitions.length]))).toEqual({
      [name('a')]: 3,
      [name('a.dlq')]: 1,
    });
    expect((await topicOverrides(admin, name('a'))).get('retention.ms')).toBe('3600000');
    expect((await topicOverrides(admin, name('a.dlq'))).get('retention.ms')).toBe('-1');

    const second = await ensureKafkaTopics(admin, wanted, 1);
    expect(second.map((o) => [o.action, o.changes])).toEqual([
      ['unchanged', []],
      ['unchanged', []],
    ]);
  });

  it("adds partitions and changes retention in place, keeping the topic's other settings", async () => {
    await admin.createTopics({
      waitForLeaders: true,
      topics: [
        {
          topic: name('b'),
          numPartitions: 2,
          replicationFactor: 1,
          configEntries: [{ name: 'max.message.bytes', value: '2000000' }],
        },
      ],
    });
    const [outcome] = await ensureKafkaTopics(admin, [{ name: name('b'), partitions: 4, retentionMs: 7_200_000 }], 1);
    expect(outcome).toMatchObject({
      action: 'updated',
      changes: ['partitions 2 -> 4', 'retention.ms (broker default) -> 7200000'],
    });
    const meta = await admin.fetchTopicMetadata({ topics: [name('b')] });
    expect(meta.topics[0]!.partitions).toHaveLength(4);
    const overrides = await topicOverrides(admin, name('b'));
    expect(overrides.get('retention.ms')).toBe('7200000');
    expect(overrides.get('max.message.bytes')).toBe('2000000');
  });

  it('refuses to shrink a topic, naming the partitions it has', async () => {
    await ensureKafkaTopics(admin, [{ name: name('c'), partitions: 3, retentionMs: 3_600_000 }], 1);
    await expect(
      ensureKafkaTopics(admin, [{ name: name('c'), partitions: 2, retentionMs: 3_600_000 }], 1),
    ).rejects.toThrow(
      `kafka: topic ${name('c')} has 3 partitions and the config asks for 2: Kafka cannot remove partitions; set 3 or more`,
    );
  });

  it("runs as the plan's command line does, and says what it did", async () => {
    const [r, bad] = await Promise.all([
      cli(
        [
          'deploy',
          'kafka-topics',
          `--brokers=${KAFKA_TEST_BROKERS}`,
          '--replication-factor=1',
          `--topic=${name('d')}:2:86400000`,
          '--json',
        ],
        {},
      ),
      cli(
        [
          'deploy',
          'kafka-topics',
          `--brokers=${KAFKA_TEST_BROKERS}`,
          '--sasl-mechanism=plain',
          `--topic=${name('e')}:2:86400000`,
        ],
        { KAFKA_SASL_USERNAME: '', KAFKA_SASL_PASSWORD: '' },
      ),
    ]);
    expect(r.stderr).toBe('');
    expect(JSON.parse(r.stdout)).toEqual([
      { topic: name('d'), action: 'created', partitions: 2, retentionMs: 86_400_000, changes: [] },
    ]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD are required');
  });
});
