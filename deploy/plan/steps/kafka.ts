// The plan's Kafka: the topics on an external cluster in one admin call, or a Managed Kafka cluster and its topics.
import { topicSpecs } from '../../../shared/topics.ts';
import * as cmd from '../commands.ts';
import { topicSettingsFor } from '../config.ts';
import type { PlanContext } from './context.ts';

export function kafkaSteps({ c, add }: PlanContext): void {
  const k = c.kafka;
  const topics = topicSpecs(1).map((t) => ({ name: t.name, ...topicSettingsFor(c, t.name) }));
  if (k.provider === 'external') {
    add({
      id: 'kafka:topics',
      kind: 'kafka-topics',
      resource: topics.map((t) => `${t.name} (${t.partitions} partitions, retention ${t.retentionMs} ms)`).join(', '),
      command: cmd.kafkaTopicsCommand(c, topics),
    });
    return;
  }
  add({
    id: `kafka:cluster:${k.cluster.name}`,
    kind: 'kafka-cluster',
    resource: `${k.cluster.name} in ${c.region} (${k.cluster.create ? `${k.cluster.vcpus} vCPU, ${k.cluster.memoryGiB} GiB` : 'adopted'})`,
    command: cmd.managedKafkaClusterCommand(c),
    why: k.cluster.create ? 'creating a cluster takes up to 30 minutes' : 'an existing cluster: checked, never changed',
  });
  for (const t of topics)
    add({
      id: `kafka:topic:${t.name}`,
      kind: 'kafka-topics',
      resource: `${t.name} (${t.partitions} partitions, retention ${t.retentionMs} ms)`,
      command: cmd.managedKafkaTopicCommand(c, t),
    });
}
