// The key -> partition mapping is Kafka's own: murmur2 vectors from Kafka's UtilsTest.
import { describe, expect, it } from 'vitest';
import { murmur2, partitionForKey } from '../../shared/eventlog/partitioner.ts';

describe('partitioner', () => {
  it.each([
    ['21', -973932308],
    ['foobar', -790332482],
    ['a-little-bit-long-string', -985981536],
    ['a-little-bit-longer-string', -1486304829],
    ['lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8', -58897971],
    ['abc', 479470107],
  ])('hashes %s as the Java client does', (key, expected) => {
    expect(murmur2(new TextEncoder().encode(key))).toBe(expected);
  });

  it('maps a key to a partition in range, the same every time', () => {
    for (let i = 0; i < 1000; i++) {
      const p = partitionForKey(`customer-${i}`, 7);
      expect(p).toBeGreaterThanOrEqual(0);
      expect(p).toBeLessThan(7);
      expect(partitionForKey(`customer-${i}`, 7)).toBe(p);
    }
  });
});
