// Turns CSV records into envelope messages (or dead-letter reasons): the CPU-heavy, pure step of ingest.
import { decodeFields } from '../../shared/csv/decode.ts';
import { splitFields } from '../../shared/csv/fields.ts';
import { fastRowOf } from '../../shared/csv/fast-row.ts';
import { lineId, type DetectedFormat } from '../../shared/schema/formats.ts';

export interface RecordIn {
  readonly line: number;
  readonly raw: string;
  readonly fields?: string[];
}

/** A block of encoded records, laid out to cross a thread boundary cheaply: values in one buffer. */
export interface EncodedBlock {
  /** Per input record, in order: its index among `ids` (>= 0), or -1 when it went to `dead`. */
  readonly ids: string[];
  readonly keys: string[];
  /** The UTF-8 envelopes, back to back; message i is values[ends[i-1] .. ends[i]). */
  readonly values: Uint8Array;
  readonly ends: Uint32Array;
  /** Records that failed, by their index in the input, with every reason. */
  readonly dead: Array<{ index: number; reasons: string[] }>;
}

type AnyIdentity = { by: 'line' } | { by: 'row'; idOf(row: unknown): string; keyOf(row: unknown): string };

export function encodeRecords(detected: DetectedFormat, records: readonly RecordIn[], file: string, ingestedAt: string): EncodedBlock {
  const identity = detected.format.identity as AnyIdentity;
  const prefix = `","schema":${JSON.stringify(detected.format.ref)},"source":{"file":${JSON.stringify(file)},"line":`;
  const suffix = `},"ingested_at":"${ingestedAt}","payload":`;
  const ids: string[] = [];
  const keys: string[] = [];
  const values: string[] = [];
  const dead: EncodedBlock['dead'] = [];
  // Lines the fast path accepts are valid; the rest take the exact path, which also says why they fail.
  const fast = identity.by === 'line' ? fastRowOf(detected) : null;
  for (let i = 0; i < records.length; i++) {
    const record = records[i]!;
    const json = fast ? fast(record.raw) : null;
    if (json !== null) {
      const id = lineId(detected.format, record.line, record.raw);
      ids.push(id);
      keys.push(id);
      values.push(`{"id":"${id}${prefix}${record.line}${suffix}${json}}`);
      continue;
    }
    let fields = record.fields;
    if (!fields) {
      const split = splitFields(record.raw);
      if (!split.ok) {
        dead.push({ index: i, reasons: [split.reason] });
        continue;
      }
      fields = split.fields;
    }
    const decoded = decodeFields<unknown>(detected, fields, identity.by === 'row');
    if (!decoded.ok) {
      dead.push({ index: i, reasons: decoded.reasons });
      continue;
    }
    const id = identity.by === 'line' ? lineId(detected.format, record.line, record.raw) : identity.idOf(decoded.row);
    ids.push(id);
    keys.push(identity.by === 'line' ? id : identity.keyOf(decoded.row));
    // The envelope is written by hand around the payload JSON the decoder built from the validated text.
    values.push(`{"id":"${id}${prefix}${record.line}${suffix}${decoded.json}}`);
  }
  return { ids, keys, dead, ...pack(values) };
}

function pack(values: string[]): { values: Uint8Array; ends: Uint32Array } {
  const ends = new Uint32Array(values.length);
  let total = 0;
  for (let i = 0; i < values.length; i++) {
    total += Buffer.byteLength(values[i]!);
    ends[i] = total;
  }
  const buf = Buffer.allocUnsafeSlow(total);
  let off = 0;
  for (const v of values) off += buf.write(v, off);
  return { values: buf, ends };
}

/** The message value i of a block, as a view (no copy). */
export function valueAt(block: EncodedBlock, i: number): Uint8Array {
  return block.values.subarray(i === 0 ? 0 : block.ends[i - 1]!, block.ends[i]!);
}
