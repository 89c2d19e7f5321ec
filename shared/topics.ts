// The topics fraudflow uses, and how each is laid out.
import type { TopicSpec } from './eventlog/port.ts';

export const TOPICS = {
  transactions: 'transactions',
  transactionsDlq: 'transactions.dlq',
  verdicts: 'verdicts',
  labels: 'labels',
  labelsDlq: 'labels.dlq',
  /** Verdicts of the shadow challenger: never answers, kept apart so no consumer of `verdicts` acts on them. */
  verdictsShadow: 'verdicts.shadow',
} as const;
export type TopicName = (typeof TOPICS)[keyof typeof TOPICS];

/** Dead-letter topic of an input topic. */
export const dlqOf = (topic: string): string => `${topic}.dlq`;

export function topicSpecs(partitions: number): TopicSpec[] {
  return [
    { name: TOPICS.transactions, partitions },
    { name: TOPICS.transactionsDlq, partitions: 1 },
    { name: TOPICS.verdicts, partitions },
    { name: TOPICS.labels, partitions },
    { name: TOPICS.labelsDlq, partitions: 1 },
    { name: TOPICS.verdictsShadow, partitions },
  ];
}
