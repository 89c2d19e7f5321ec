// Turns CSV records into envelope messages (or dead-letter reasons): the CPU-heavy, pure step of ingest.
import { decodeFields } from '../../shared/csv/decode.ts';
import { splitFields } from '../../shared/csv/fields.ts';
import { fastRowBound, fastRowWriterOf, type FastRowWriter } from '../../shared/csv/fast-row.ts';
import { expandBlock, type CsvRecord } from '../../shared/csv/records.ts';
import { lineId, type DetectedFormat } from '../../shared/schema/formats.ts';
import { ValueWriter } from './value-writer.ts';

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
  const encoder = new BlockEncoder(detected, file, ingestedAt);
  for (const record of input) {
    if (record.lines === undefined) {
      encoder.one(record);
      continue;
    }
    const expanded = expandBlock(record as CsvRecord, limits.maxRecordBytes, limits.keepBytes);
    encoder.blankLines += expanded.blankLines;
    for (const r of expanded.records) encoder.one(r);
  }
  return encoder.finish();
}

/** The counters and output of one pass over a block. */
class BlockEncoder {
  blankLines = 0;
  private read = 0;
  private recoveries = 0;
  private rereadLines = 0;
  private readonly ids: string[] = [];
  private readonly keys: string[] = [];
  private readonly dead: DeadRecord[] = [];
  private readonly identity: AnyIdentity;
  /** Lines the fast path accepts are valid; the rest take the exact path, which also says why they fail. */
  private readonly fast: FastRowWriter | null;
  /** The most bytes the fast path adds to a line's length. */
  private readonly fastExtra: number;
  private readonly out: ValueWriter;

  constructor(
    private readonly detected: DetectedFormat,
    file: string,
    ingestedAt: string,
  ) {
    this.identity = detected.format.identity as AnyIdentity;
    this.fast = this.identity.by === 'line' ? fastRowWriterOf(detected) : null;
    this.fastExtra = fastRowBound(detected, 0);
    const prefix = `","schema":${JSON.stringify(detected.format.ref)},"source":{"file":${JSON.stringify(file)},"line":`;
    this.out = new ValueWriter(prefix, `},"ingested_at":"${ingestedAt}","payload":`);
  }

  one(record: RecordIn): void {
    this.read++;
    if (record.error !== undefined) {
      this.dead.push({ line: record.line, raw: record.raw, bytes: record.bytes, reasons: [record.error] });
      return;
    }
    if (this.fast && this.fastPath(this.fast, record)) return;
    let fields = record.fields;
    if (!fields) {
      const split = splitFields(record.raw);
      if (!split.ok) {
        this.dead.push({ line: record.line, raw: record.raw, bytes: record.bytes, reasons: [split.reason] });
        return;
      }
      fields = split.fields;
    }
    this.exactPath(record, fields);
  }

  finish(): EncodedBlock {
    const { read, blankLines, ids, keys, dead, recoveries, rereadLines } = this;
    return { read, blankLines, ids, keys, dead, recoveries, rereadLines, ...this.out.finish() };
  }

  private fastPath(fast: FastRowWriter, record: RecordIn): boolean {
    if (!this.out.writeFast(record.line, record.raw, fast, record.raw.length + this.fastExtra)) return false;
    const id = lineId(this.detected.format, record.line, record.raw);
    this.out.fillId(id);
    this.ids.push(id);
    this.keys.push(id);
    return true;
  }

  private exactPath(record: RecordIn, fields: readonly string[]): void {
    const identity = this.identity;
    const decoded = decodeFields<unknown>(this.detected, fields, identity.by === 'row');
    if (!decoded.ok && record.raw.indexOf('\n') !== -1) return this.recover(record, decoded.reasons);
    if (!decoded.ok) {
      this.dead.push({ line: record.line, raw: record.raw, bytes: record.bytes, reasons: decoded.reasons });
      return;
    }
    const byLine = identity.by === 'line';
    const id = byLine ? lineId(this.detected.format, record.line, record.raw) : identity.idOf(decoded.row);
    this.ids.push(id);
    this.keys.push(byLine ? id : identity.keyOf(decoded.row));
    // The envelope is written by hand around the payload JSON the decoder built from the validated text.
    this.out.write(id, record.line, decoded.json);
  }

  /**
   * A quoted field ran past its line and the record it made is invalid: likely a stray quote. Only the line that
   * opened it is rejected; the lines it swallowed are rows of their own.
   */
  private recover(record: RecordIn, reasons: string[]): void {
    const lines = record.raw.split('\n');
    this.recoveries++;
    this.rereadLines += lines.length - 1;
    this.dead.push({
      line: record.line,
      raw: lines[0]!,
      bytes: lines[0]!.length,
      reasons: [
        `a quoted field opened on this line runs over ${lines.length - 1} more lines into an invalid record (stray quote?); this line alone is rejected, the lines after it are read again`,
        ...reasons,
      ],
    });
    for (let i = 1; i < lines.length; i++) {
      if (lines[i]!.length === 0) this.blankLines++;
      else this.one({ line: record.line + i, raw: lines[i]!, bytes: lines[i]!.length });
    }
  }
}

/** The message value i of a block, as a view (no copy). */
export function valueAt(block: EncodedBlock, i: number): Uint8Array {
  return block.values.subarray(i === 0 ? 0 : block.ends[i - 1]!, block.ends[i]!);
}
