// A produce as kafkajs messages: each message's partition by its key, and requests that stay under the broker's batch limit.
import { partitionForKey } from '../partitioner.ts';
import type { OutgoingMessage } from '../port.ts';

/** Brokers reject record batches over message.max.bytes (1 MiB by default): keep each partition's share of a request under it. */
export const MAX_PARTITION_BYTES = 900 * 1024;

export function toKafkaMessage(
  partition: number,
  m: OutgoingMessage,
): { key: string; value: Buffer | string; partition: number; headers?: Record<string, string> } {
  const value =
    typeof m.value === 'string' || Buffer.isBuffer(m.value)
      ? m.value
      : Buffer.from(m.value.buffer, m.value.byteOffset, m.value.byteLength);
  return { key: m.key, value, partition, ...(m.headers ? { headers: { ...m.headers } } : {}) };
}

/** Splits a produce into requests whose share per partition stays under the broker's batch size limit. */
export function* chunksByPartition(
  messages: readonly OutgoingMessage[],
  partitions: number,
  maxPartitionBytes: number = MAX_PARTITION_BYTES,
): Generator<Array<{ partition: number; message: OutgoingMessage }>> {
  let chunk: Array<{ partition: number; message: OutgoingMessage }> = [];
  const bytes = new Map<number, number>();
  for (const message of messages) {
    const partition = partitionForKey(message.key, partitions);
    const size =
      (typeof message.value === 'string' ? Buffer.byteLength(message.value) : message.value.byteLength) +
      Buffer.byteLength(message.key) +
      64;
    const used = bytes.get(partition) ?? 0;
    if (used + size > maxPartitionBytes && chunk.length > 0) {
      yield chunk;
      chunk = [];
      bytes.clear();
    }
    chunk.push({ partition, message });
    bytes.set(partition, (bytes.get(partition) ?? 0) + size);
  }
  if (chunk.length) yield chunk;
}
