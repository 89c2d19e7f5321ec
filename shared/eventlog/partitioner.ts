// Key -> partition, the same as Kafka's default partitioner (murmur2, positive, modulo), so both backends agree.

/** Kafka's murmur2 (as in the Java client's Utils.murmur2) over the UTF-8 bytes of the key. */
export function murmur2(data: Uint8Array): number {
  const length = data.length;
  const seed = 0x9747b28c;
  const m = 0x5bd1e995;
  const r = 24;
  let h = seed ^ length;
  const length4 = length >> 2;
  for (let i = 0; i < length4; i++) {
    const i4 = i * 4;
    let k =
      (data[i4]! & 0xff) +
      ((data[i4 + 1]! & 0xff) << 8) +
      ((data[i4 + 2]! & 0xff) << 16) +
      ((data[i4 + 3]! & 0xff) << 24);
    k = Math.imul(k, m);
    k ^= k >>> r;
    k = Math.imul(k, m);
    h = Math.imul(h, m);
    h ^= k;
  }
  const rest = length % 4;
  const idx = length & ~3;
  if (rest === 3) h ^= (data[idx + 2]! & 0xff) << 16;
  if (rest >= 2) h ^= (data[idx + 1]! & 0xff) << 8;
  if (rest >= 1) {
    h ^= data[idx]! & 0xff;
    h = Math.imul(h, m);
  }
  h ^= h >>> 13;
  h = Math.imul(h, m);
  h ^= h >>> 15;
  return h | 0;
}

const encoder = new TextEncoder();

const ascii = new Uint8Array(256);

export function partitionForKey(key: string, partitions: number): number {
  // Keys are usually short ASCII (ids): hash their code units directly instead of allocating an encoding.
  if (key.length <= ascii.length) {
    let isAscii = true;
    for (let i = 0; i < key.length; i++) {
      const c = key.charCodeAt(i);
      if (c > 0x7f) {
        isAscii = false;
        break;
      }
      ascii[i] = c;
    }
    if (isAscii) return (murmur2(ascii.subarray(0, key.length)) & 0x7fffffff) % partitions;
  }
  return (murmur2(encoder.encode(key)) & 0x7fffffff) % partitions;
}
