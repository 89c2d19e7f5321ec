// A set of message ids by their first 64 bits (two 32-bit halves, open addressing): membership at a cost that does not grow.
import { MESSAGE_ID } from '../../schema/envelope.ts';

/**
 * Holds 64-bit prefixes of ids (32 lowercase hex digits, uniformly spread: they are hashes). `has` answering false
 * proves an id was never added; true may, once in about 2^64 / size, be another id with the same prefix, so a hit is
 * only ever a reason to check the table, never to drop a row. 8 bytes a slot, at most half full: 16-32 bytes an id.
 */
export class IdPrefixSet {
  private hi = new Uint32Array(1 << 10);
  private lo = new Uint32Array(1 << 10);
  private mask = (1 << 10) - 1;
  private zero = false;
  private count = 0;

  get size(): number {
    return this.count + (this.zero ? 1 : 0);
  }

  add(hi: number, lo: number): void {
    if (hi === 0 && lo === 0) {
      this.zero = true;
      return;
    }
    if ((this.count + 1) * 2 > this.hi.length) this.grow();
    this.place(hi, lo);
  }

  has(hi: number, lo: number): boolean {
    if (hi === 0 && lo === 0) return this.zero;
    for (let slot = lo & this.mask; ; slot = (slot + 1) & this.mask) {
      if (this.hi[slot] === 0 && this.lo[slot] === 0) return false;
      if (this.hi[slot] === hi && this.lo[slot] === lo) return true;
    }
  }

  private place(hi: number, lo: number): void {
    for (let slot = lo & this.mask; ; slot = (slot + 1) & this.mask) {
      if (this.hi[slot] === 0 && this.lo[slot] === 0) {
        this.hi[slot] = hi;
        this.lo[slot] = lo;
        this.count++;
        return;
      }
      if (this.hi[slot] === hi && this.lo[slot] === lo) return;
    }
  }

  private grow(): void {
    const [hi, lo] = [this.hi, this.lo];
    this.hi = new Uint32Array(hi.length * 2);
    this.lo = new Uint32Array(lo.length * 2);
    this.mask = this.hi.length - 1;
    this.count = 0;
    for (let i = 0; i < hi.length; i++) if (hi[i] !== 0 || lo[i] !== 0) this.place(hi[i]!, lo[i]!);
  }
}

/** The two 32-bit halves of an id's first 16 hex digits, or null when it is not a message id (the caller then checks the table). */
export function prefixOf(id: unknown): [number, number] | null {
  if (typeof id !== 'string' || !MESSAGE_ID.test(id)) return null;
  return [Number.parseInt(id.slice(0, 8), 16), Number.parseInt(id.slice(8, 16), 16)];
}

const ID_AT = '{"id":"'.length;
const OPENING = Buffer.from('{"id":"');

/** The value of one lowercase hex digit (a byte), or -1. */
const hexDigit = (b: number): number => (b >= 0x30 && b <= 0x39 ? b - 0x30 : b >= 0x61 && b <= 0x66 ? b - 0x57 : -1);

/** Eight hex digits from `at` as a 32-bit number, or -1 when one is not a lowercase hex digit. */
function word(value: Uint8Array, at: number): number {
  let n = 0;
  for (let i = at; i < at + 8; i++) {
    const d = hexDigit(value[i]!);
    if (d < 0) return -1;
    n = n * 16 + d;
  }
  return n;
}

/**
 * The id prefix of an envelope given as its canonical JSON text (`{"id":"<32 hex>",...`), read from the bytes (no string
 * is made), or null when it does not start so.
 */
export function envelopePrefixOf(value: Uint8Array): [number, number] | null {
  if (value.length < ID_AT + 33 || value[ID_AT + 32] !== 0x22) return null;
  for (let i = 0; i < ID_AT; i++) if (value[i] !== OPENING[i]) return null;
  for (let i = ID_AT + 16; i < ID_AT + 32; i++) if (hexDigit(value[i]!) < 0) return null;
  const [hi, lo] = [word(value, ID_AT), word(value, ID_AT + 8)];
  return hi < 0 || lo < 0 ? null : [hi, lo];
}
