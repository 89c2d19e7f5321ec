// The Kafka log's produce requests: each partition's share of one request stays under the cap, every message in order.
import { describe, expect, it } from 'vitest';
import { chunksByPartition, MAX_PARTITION_BYTES } from '../../shared/eventlog/kafka/batches.ts';
import type { OutgoingMessage } from '../../shared/eventlog/port.ts';

const messages = (n: number, bytes: number): OutgoingMessage[] =>
  Array.from({ length: n }, (_, i) => ({ key: `k${i}`, value: `${i}:`.padEnd(bytes, 'x') }));
const share = (chunk: Array<{ partition: number; message: OutgoingMessage }>, p: number) =>
  chunk
    .filter((c) => c.partition === p)
    .reduce((a, c) => a + Buffer.byteLength(c.message.value as string) + Buffer.byteLength(c.message.key) + 64, 0);

describe('produce requests by partition', () => {
  it('keeps every partition of a request under a given cap, and every message once in its order', () => {
    const all = messages(2000, 700);
    const chunks = [...chunksByPartition(all, 4, 64 * 1024)];
    expect(chunks.length).toBeGreaterThan(4);
    for (const chunk of chunks) for (const p of [0, 1, 2, 3]) expect(share(chunk, p)).toBeLessThanOrEqual(64 * 1024);
    expect(chunks.flat().map((c) => c.message)).toEqual(all);
  });

  it('by default stays under the broker batch limit (1 MiB) with fewer, larger requests', () => {
    const all = messages(6000, 700);
    const chunks = [...chunksByPartition(all, 4)];
    expect(MAX_PARTITION_BYTES).toBeLessThan(1024 * 1024);
    expect(chunks.length).toBeLessThan([...chunksByPartition(all, 4, 256 * 1024)].length);
    for (const chunk of chunks)
      for (const p of [0, 1, 2, 3]) expect(share(chunk, p)).toBeLessThanOrEqual(MAX_PARTITION_BYTES);
  });
});
