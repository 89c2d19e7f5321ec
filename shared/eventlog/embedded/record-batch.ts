// Encodes a batch of messages as one blob (as Kafka stores record batches) and decodes it back as zero-copy views.

export interface BatchMessage {
  readonly key: string | null;
  readonly value: Buffer;
  readonly headers: string | null;
}

const NONE = 0xffffffff;
const HEADER = 12; // key length, value length, headers length (u32 each)

/** Layout: u32 count, then per message three u32 lengths, then all keys, values and headers bytes in order. */
export function encodeBatch(
  messages: ReadonlyArray<{ key: string | null; value: Uint8Array | string; headers: string | null }>,
): Buffer {
  const n = messages.length;
  const lengths = new Uint32Array(n * 3);
  let total = 4 + n * HEADER;
  for (let i = 0; i < n; i++) {
    const m = messages[i]!;
    const k = m.key === null ? NONE : Buffer.byteLength(m.key);
    const v = typeof m.value === 'string' ? Buffer.byteLength(m.value) : m.value.byteLength;
    const h = m.headers === null ? NONE : Buffer.byteLength(m.headers);
    lengths[i * 3] = k;
    lengths[i * 3 + 1] = v;
    lengths[i * 3 + 2] = h;
    total += (k === NONE ? 0 : k) + v + (h === NONE ? 0 : h);
  }
  const buf = Buffer.allocUnsafe(total);
  buf.writeUInt32LE(n, 0);
  let off = 4;
  for (let i = 0; i < n * 3; i++, off += 4) buf.writeUInt32LE(lengths[i]!, off);
  for (let i = 0; i < n; i++) {
    const m = messages[i]!;
    if (m.key !== null) off += buf.write(m.key, off);
    if (typeof m.value === 'string') off += buf.write(m.value, off);
    else {
      buf.set(m.value, off);
      off += m.value.byteLength;
    }
    if (m.headers !== null) off += buf.write(m.headers, off);
  }
  return buf;
}

/** Decodes messages [from, count) of a batch; values are views into `buf`, not copies. */
export function decodeBatch(buf: Buffer, from = 0, limit = Number.MAX_SAFE_INTEGER): BatchMessage[] {
  const n = buf.readUInt32LE(0);
  const out: BatchMessage[] = [];
  let off = 4 + n * HEADER;
  const end = Math.min(n, from + limit);
  for (let i = 0; i < end; i++) {
    const base = 4 + i * HEADER;
    const k = buf.readUInt32LE(base);
    const v = buf.readUInt32LE(base + 4);
    const h = buf.readUInt32LE(base + 8);
    const kl = k === NONE ? 0 : k;
    const hl = h === NONE ? 0 : h;
    if (i >= from) {
      out.push({
        key: k === NONE ? null : buf.toString('utf8', off, off + kl),
        value: buf.subarray(off + kl, off + kl + v),
        headers: h === NONE ? null : buf.toString('utf8', off + kl + v, off + kl + v + hl),
      });
    }
    off += kl + v + hl;
  }
  return out;
}
