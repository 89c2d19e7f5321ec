// Which topic lands in which warehouse table.
import { TOPICS } from '../../shared/topics.ts';
import type { SinkRoute } from './sink.ts';

export const SINK_ROUTES: readonly SinkRoute[] = [
  { topic: TOPICS.transactions, table: 'transactions', kind: 'envelope' },
  { topic: TOPICS.verdicts, table: 'verdicts', kind: 'envelope' },
  { topic: TOPICS.labels, table: 'labels', kind: 'envelope' },
  { topic: TOPICS.transactionsDlq, table: 'dead_letters', kind: 'dead-letter' },
  { topic: TOPICS.labelsDlq, table: 'dead_letters', kind: 'dead-letter' },
  { topic: TOPICS.verdictsShadow, table: 'shadow_verdicts', kind: 'envelope' },
];

export const SINK_GROUP = 'fraudflow-sink';
