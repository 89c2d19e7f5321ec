// Writes a block's envelopes back to back into one growing buffer, so no string per envelope is made and copied again.
import type { FastRowWriter } from '../../shared/csv/fast-row.ts';

const HEAD = Buffer.from('{"id":"');
const ID_BYTES = 32;
const TAIL = 125; // }

/**
 * `{"id":"<id><prefix><line><suffix><payload>}` per message; the prefix and suffix (schema, file, ingest time) are
 * the same for every message of the block, so they are encoded once.
 */
export class ValueWriter {
  private buf = Buffer.allocUnsafeSlow(1 << 20);
  private len = 0;
  private ends = new Uint32Array(1024);
  private count = 0;
  private idAt = 0;
  private readonly prefix: Buffer;
  private readonly suffix: Buffer;

  constructor(prefix: string, suffix: string) {
    this.prefix = Buffer.from(prefix);
    this.suffix = Buffer.from(suffix);
  }

  /** An envelope around payload JSON text. */
  write(id: string, line: number, payload: string): void {
    this.ensure(HEAD.length + ID_BYTES + this.prefix.length + 16 + this.suffix.length + payload.length * 3 + 1);
    const at = this.head(line);
    this.buf.write(id, at - this.headBytes(line), ID_BYTES, 'latin1');
    this.len = at + this.buf.write(payload, at, 'utf8');
    this.end();
  }

  /**
   * An envelope whose payload `fast` writes from the raw line (at most `bound` bytes): false when it declines. The id
   * is filled in after (`fillId`), so a line the fast path declines costs no hash here.
   */
  writeFast(line: number, raw: string, fast: FastRowWriter, bound: number): boolean {
    this.ensure(HEAD.length + ID_BYTES + this.prefix.length + 16 + this.suffix.length + bound + 1);
    const at = this.head(line);
    const end = fast(raw, this.buf, at);
    if (end < 0) return false;
    this.idAt = at - this.headBytes(line);
    this.len = end;
    this.end();
    return true;
  }

  /** The id of the envelope `writeFast` just wrote. */
  fillId(id: string): void {
    this.buf.write(id, this.idAt, ID_BYTES, 'latin1');
  }

  finish(): { values: Uint8Array; ends: Uint32Array } {
    // Copied out at its size: the worker transfers the buffer, and a mostly empty one would cross too.
    const values = Buffer.allocUnsafeSlow(this.len);
    this.buf.copy(values, 0, 0, this.len);
    return { values, ends: this.ends.slice(0, this.count) };
  }

  /** Writes everything before the payload, leaving the id's 32 bytes to fill; returns where the payload goes. */
  private head(line: number): number {
    let o = this.len;
    o += HEAD.copy(this.buf, o);
    o += ID_BYTES;
    o += this.prefix.copy(this.buf, o);
    o += this.buf.write(String(line), o, 'latin1');
    o += this.suffix.copy(this.buf, o);
    return o;
  }

  /** Bytes from the id's start to the payload's. */
  private headBytes(line: number): number {
    return ID_BYTES + this.prefix.length + String(line).length + this.suffix.length;
  }

  private end(): void {
    this.buf[this.len++] = TAIL;
    if (this.count === this.ends.length) {
      const grown = new Uint32Array(this.ends.length * 2);
      grown.set(this.ends);
      this.ends = grown;
    }
    this.ends[this.count++] = this.len;
  }

  private ensure(bytes: number): void {
    if (this.len + bytes <= this.buf.length) return;
    const grown = Buffer.allocUnsafeSlow(Math.max(this.buf.length * 2, this.len + bytes));
    this.buf.copy(grown, 0, 0, this.len);
    this.buf = grown;
  }
}
