// Turns CSV records into envelope messages (or dead-letter reasons): the CPU-heavy, pure step of ingest.
/* eslint-disable max-lines-per-function -- encodeRecords and its per-record closure share the counters of one pass (to split: issue 16) */
import { decodeFields } from '../../shared/csv/decode.ts';
import { splitFields } from '../../shared/csv/fields.ts';
import { fastRowOf } from '../../shared/csv/fast-row.ts';
import { expandBlock, type CsvRecord } from '../../shared/csv/records.ts';
import { lineId, type DetectedFormat } from '../../shared/schema/formats.ts';

/** A record as handed to the encoder: one line (fields maybe already split), or a whole block of lines (`lines` set). */
export type RecordIn = Pick<CsvRecord, 'line' | 'raw' | 'bytes' | 'fields' | 'lines' | 'error'>;

export interface Limits {
  readonly maxRecordBytes: number;
  readonly keepBytes: number;
}

export interface DeadRecord {
  readonly line: number;
  readonly raw: string;
  readonly bytes: number;
  readonly reasons: string[];
}

/** A block of encoded records, laid out to cross a thread boundary cheaply: values in one buffer. */
export interface EncodedBlock {
  /** Records seen (block records expanded), and blank lines skipped inside blocks. */
  readonly read: number;
  readonly blankLines: number;
  readonly ids: string[];
  readonly keys: string[];
  /** The UTF-8 envelopes, back to back; message i is values[ends[i-1] .. ends[i]). */
  readonly values: Uint8Array;
  readonly ends: Uint32Array;
  readonly dead: DeadRecord[];
  /** Multi-line records that failed decoding: their first line rejected alone, the other lines read again. */
  readonly recoveries: number;
  readonly rereadLines: number;
}

type AnyIdentity = { by: 'line' } | { by: 'row'; idOf(row: unknown): string; keyOf(row: unknown): string };

export function encodeRecords(
  detected: DetectedFormat,
  input: readonly RecordIn[],
  file: string,
  ingestedAt: string,
  limits: Limits,
): EncodedBlock {
  const identity = detected.format.identity as AnyIdentity;
  const prefix = `","schema":${JSON.stringify(detected.format.ref)},"source":{"file":${JSON.stringify(file)},"line":`;
  const suffix = `},"ingested_at":"${ingestedAt}","payload":`;
  const ids: string[] = [];
  const keys: string[] = [];
  const values: string[] = [];
  const dead: DeadRecord[] = [];
  let blankLines = 0;
  let read = 0;
  let recoveries = 0;
  let rereadLines = 0;
  // Lines the fast path accepts are valid; the rest take the exact path, which also says why they fail.
  const fast = identity.by === 'line' ? fastRowOf(detected) : null;
  const one = (record: RecordIn | CsvRecord): void => {
    read++;
    if (record.error !== undefined) {
      dead.push({ line: record.line, raw: record.raw, bytes: record.bytes, reasons: [record.error] });
      return;
    }
    const json = fast ? fast(record.raw) : null;
    if (json !== null) {
      const id = lineId(detected.format, record.line, record.raw);
      ids.push(id);
      keys.push(id);
      values.push(`{"id":"${id}${prefix}${record.line}${suffix}${json}}`);
      return;
    }
    let fields = record.fields;
    if (!fields) {
      const split = splitFields(record.raw);
      if (!split.ok) {
        dead.push({ line: record.line, raw: record.raw, bytes: record.bytes, reasons: [split.reason] });
        return;
      }
      fields = split.fields;
    }
    const decoded = decodeFields<unknown>(detected, fields, identity.by === 'row');
    if (!decoded.ok && record.raw.indexOf('\n') !== -1) {
      // A quoted field ran past its line and the record it made is invalid: likely a stray quote. Only the line
      // that opened it is rejected; the lines it swallowed are rows of their own.
      const lines = record.raw.split('\n');
      recoveries++;
      rereadLines += lines.length - 1;
      dead.push({
        line: record.line,
        raw: lines[0]!,
        bytes: lines[0]!.length,
        reasons: [
          `a quoted field opened on this line runs over ${lines.length - 1} more lines into an invalid record (stray quote?); this line alone is rejected, the lines after it are read again`,
          ...decoded.reasons,
        ],
      });
      for (let i = 1; i < lines.length; i++) {
        if (lines[i]!.length === 0) blankLines++;
        else one({ line: record.line + i, raw: lines[i]!, bytes: lines[i]!.length });
      }
      return;
    }
    if (!decoded.ok) {
      dead.push({ line: record.line, raw: record.raw, bytes: record.bytes, reasons: decoded.reasons });
      return;
    }
    const id = identity.by === 'line' ? lineId(detected.format, record.line, record.raw) : identity.idOf(decoded.row);
    ids.push(id);
    keys.push(identity.by === 'line' ? id : identity.keyOf(decoded.row));
    // The envelope is written by hand around the payload JSON the decoder built from the validated text.
    values.push(`{"id":"${id}${prefix}${record.line}${suffix}${decoded.json}}`);
  };
  for (const record of input) {
    if (record.lines === undefined) {
      one(record);
      continue;
    }
    const expanded = expandBlock(record as CsvRecord, limits.maxRecordBytes, limits.keepBytes);
    blankLines += expanded.blankLines;
    for (const r of expanded.records) one(r);
  }
  return { read, blankLines, ids, keys, dead, recoveries, rereadLines, ...pack(values) };
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
