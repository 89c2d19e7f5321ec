// The Kafka log's producer lanes: as many as a produce's partitions and size call for, each partition in one lane.
import { describe, expect, it } from 'vitest';
import { Kafka } from 'kafkajs';
import { ProducerLanes, MIN_MESSAGES_PER_LANE } from '../../shared/eventlog/kafka/lanes.ts';
import { partitionForKey } from '../../shared/eventlog/partitioner.ts';
import type { OutgoingMessage } from '../../shared/eventlog/port.ts';

const lanes = (count?: number) => new ProducerLanes(new Kafka({ brokers: ['127.0.0.1:1'] }), '127.0.0.1:1', count);
const messages = (n: number): OutgoingMessage[] =>
  Array.from({ length: n }, (_, i) => ({ key: `k${i}`, value: `v${i}` }));

describe('producer lanes', () => {
  it('sends a small produce through one lane, whatever partitions it writes', () => {
    const split = lanes().split(messages(40), 4);
    expect(split).toHaveLength(1);
    expect(split[0]!.map((m) => m.value)).toEqual(messages(40).map((m) => m.value));
  });

  it('uses no more lanes than the partitions a produce writes', () => {
    const one = messages(5 * MIN_MESSAGES_PER_LANE).map((m) => ({ ...m, key: 'same-customer' }));
    expect(lanes().split(one, 4)).toHaveLength(1);
  });

  it('spreads a large produce over four lanes, each partition in exactly one, in its original order', () => {
    const all = messages(5 * MIN_MESSAGES_PER_LANE);
    const split = lanes(4).split(all, 8);
    expect(split).toHaveLength(4);
    const laneOf = new Map<number, number>();
    split.forEach((list, lane) => {
      for (const m of list) {
        const p = partitionForKey(m.key, 8);
        expect(laneOf.get(p) ?? lane).toBe(lane);
        laneOf.set(p, lane);
      }
      const order = list.map((m) => Number(String(m.value).slice(1)));
      expect(order).toEqual([...order].sort((a, b) => a - b));
    });
    expect(split.flat()).toHaveLength(all.length);
    expect(lanes().connected()).toBe(0);
  });

  it('by default spreads a large produce over two lanes, each partition in exactly one', () => {
    const all = messages(5 * MIN_MESSAGES_PER_LANE);
    const split = lanes().split(all, 4);
    expect(split).toHaveLength(2);
    const partitionsOf = split.map((list) => new Set(list.map((m) => partitionForKey(m.key, 4))));
    expect([...partitionsOf[0]!].filter((p) => partitionsOf[1]!.has(p))).toEqual([]);
    expect(split.flat()).toHaveLength(all.length);
  });
});
