// Cuts CSV bytes into records: line numbers, raw text, UTF-8 checked, oversized lines cut off, never the whole file in memory.
import { hasOpenQuote, splitFields } from './fields.ts';

export interface CsvRecord {
  /** 1-based line number where the record starts. */
  readonly line: number;
  readonly raw: string;
  /** Length of the record as read (before any cut). */
  readonly bytes: number;
  readonly fields?: string[];
  /** Why the record could not be split into fields. */
  readonly error?: string;
  /**
   * Set on a whole block of plain lines handed on unsplit (option `blocks`): `raw` holds `lines` physical lines
   * joined by \n, blank ones and \r included, starting at `line`; see expandBlock.
   */
  readonly lines?: number;
}

export interface RecordReaderOptions {
  /** A record longer than this is rejected whole, without being buffered. */
  readonly maxRecordBytes?: number;
  /** How much of an oversized record's text to keep for the dead-letter entry. */
  readonly keepBytes?: number;
  /** false: split only the first record (the header) into fields; the rest are split later, elsewhere. */
  readonly splitFields?: boolean;
  /**
   * true: a block of valid UTF-8 with no quote character is handed on whole, as one record with `lines` set,
   * to be cut into lines elsewhere (a worker thread) with expandBlock. Implies splitFields false.
   */
  readonly blocks?: boolean;
}

const NL = 0x0a;
const fatalDecoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
const lossyDecoder = new TextDecoder('utf-8', { fatal: false, ignoreBOM: true });

/**
 * A push parser: feed byte chunks, get the complete records they finish. Quoted fields may span lines
 * (the record keeps its first line number). Blank lines are skipped and counted.
 */
export class CsvRecordSplitter {
  blankLines = 0;
  bytes = 0;
  private carry: Buffer = Buffer.alloc(0);
  private lineNo = 0;
  private first = true;
  private skipping: { line: number; bytes: number; head: Buffer } | null = null;
  private pending: { line: number; text: string; bytes: number } | null = null;
  private readonly maxBytes: number;
  private readonly keep: number;
  private out: CsvRecord[] = [];
  private readonly split: boolean;
  private readonly blocks: boolean;
  private records = 0;

  constructor(options: RecordReaderOptions = {}) {
    this.maxBytes = options.maxRecordBytes ?? 1 << 20;
    this.keep = options.keepBytes ?? 4096;
    this.blocks = options.blocks ?? false;
    this.split = !this.blocks && (options.splitFields ?? true);
  }

  push(chunk: Buffer): CsvRecord[] {
    this.bytes += chunk.length;
    let buf = chunk;
    if (this.first) {
      this.first = false;
      if (buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf) buf = buf.subarray(3);
    }
    if (this.skipping) {
      const nl = buf.indexOf(NL);
      if (nl === -1) {
        this.skipping.bytes += buf.length;
        return this.take();
      }
      this.skipping.bytes += nl;
      this.endSkip();
      buf = buf.subarray(nl + 1);
    }
    const joined = this.carry.length ? Buffer.concat([this.carry, buf]) : buf;
    const last = joined.lastIndexOf(NL);
    if (last === -1) {
      this.carry = joined;
    } else {
      this.block(joined.subarray(0, last + 1));
      this.carry = joined.subarray(last + 1);
    }
    if (this.carry.length > this.maxBytes) {
      this.skipping = {
        line: this.lineNo + 1,
        bytes: this.carry.length,
        head: Buffer.from(this.carry.subarray(0, this.keep)),
      };
      this.carry = Buffer.alloc(0);
    }
    return this.take();
  }

  end(): CsvRecord[] {
    if (this.skipping) this.endSkip();
    if (this.carry.length > 0) this.block(Buffer.concat([this.carry, Buffer.from([NL])]));
    this.carry = Buffer.alloc(0);
    if (this.pending) {
      const p = this.pending;
      this.out.push({
        line: p.line,
        raw: p.text.slice(0, this.keep),
        bytes: p.bytes,
        error: 'unterminated quoted field at end of file',
      });
      this.pending = null;
    }
    return this.take();
  }

  private take(): CsvRecord[] {
    const out = this.out;
    this.out = [];
    return out;
  }

  private endSkip(): void {
    const s = this.skipping!;
    this.lineNo++;
    this.out.push({
      line: s.line,
      raw: lossyDecoder.decode(s.head),
      bytes: s.bytes,
      error: `line is ${s.bytes} bytes, over the limit of ${this.maxBytes}`,
    });
    this.skipping = null;
  }

  private block(block: Buffer): void {
    let text: string | null;
    try {
      text = fatalDecoder.decode(block);
    } catch {
      text = null;
    }
    if (text !== null && this.blocks && this.records > 0 && this.pending === null && text.indexOf('"') === -1) {
      this.wholeBlock(text);
      return;
    }
    if (text !== null) {
      let start = 0;
      for (let nl = text.indexOf('\n'); nl !== -1; nl = text.indexOf('\n', start)) {
        this.line(text.slice(start, nl));
        start = nl + 1;
      }
      return;
    }
    // Some line of this block is not UTF-8: find which, line by line.
    let start = 0;
    for (let nl = block.indexOf(NL); nl !== -1; nl = block.indexOf(NL, start)) {
      const bytes = block.subarray(start, nl);
      start = nl + 1;
      let line: string;
      try {
        line = fatalDecoder.decode(bytes);
      } catch {
        this.badLine(bytes);
        continue;
      }
      this.line(line);
    }
  }

  private wholeBlock(text: string): void {
    let lines = 0;
    for (let nl = text.indexOf('\n'); nl !== -1; nl = text.indexOf('\n', nl + 1)) lines++;
    this.out.push({ line: this.lineNo + 1, raw: text.slice(0, -1), bytes: text.length, lines });
    this.lineNo += lines;
  }

  private badLine(bytes: Buffer): void {
    this.lineNo++;
    const text = lossyDecoder.decode(bytes);
    const at = text.indexOf('\uFFFD') + 1;
    if (this.pending) {
      const p = this.pending;
      this.out.push({
        line: p.line,
        raw: (p.text + '\n' + text).slice(0, this.keep),
        bytes: p.bytes + bytes.length,
        error: 'invalid UTF-8 bytes',
      });
      this.pending = null;
    } else {
      this.out.push({
        line: this.lineNo,
        raw: text.slice(0, this.keep),
        bytes: bytes.length,
        error: `invalid UTF-8 bytes at character ${at} of the line`,
      });
    }
  }

  private line(raw: string): void {
    this.lineNo++;
    const text = raw.charCodeAt(raw.length - 1) === 13 ? raw.slice(0, -1) : raw;
    const pending = this.pending;
    if (pending) {
      pending.text += '\n' + text;
      pending.bytes += text.length + 1;
      if (pending.bytes > this.maxBytes) {
        this.out.push({
          line: pending.line,
          raw: pending.text.slice(0, this.keep),
          bytes: pending.bytes,
          error: `record is over ${this.maxBytes} bytes (a quoted field left open?)`,
        });
        this.pending = null;
      } else if (hasOpenQuote(text)) {
        this.pending = null;
        this.out.push(this.toRecord(pending.line, pending.text, pending.bytes));
      }
      return;
    }
    if (text.length === 0) {
      this.blankLines++;
      return;
    }
    if (text.length > this.maxBytes) {
      this.out.push(oversized(this.lineNo, text, this.maxBytes, this.keep));
      return;
    }
    if (text.indexOf('"') !== -1 && hasOpenQuote(text)) {
      this.pending = { line: this.lineNo, text, bytes: text.length };
      return;
    }
    this.out.push(this.toRecord(this.lineNo, text, text.length));
  }

  private toRecord(line: number, text: string, bytes: number): CsvRecord {
    if (!this.split && this.records++ > 0) return { line, raw: text, bytes };
    const split = splitFields(text);
    return split.ok
      ? { line, raw: text, bytes, fields: split.fields }
      : { line, raw: text, bytes, error: split.reason };
  }
}

function oversized(line: number, text: string, maxBytes: number, keep: number): CsvRecord {
  return {
    line,
    raw: text.slice(0, keep),
    bytes: text.length,
    error: `line is ${text.length} bytes, over the limit of ${maxBytes}`,
  };
}

/** Cuts a block record (see `lines`) into its records; blank lines are counted, not returned. */
export function expandBlock(
  block: CsvRecord,
  maxRecordBytes: number,
  keepBytes: number,
): { records: CsvRecord[]; blankLines: number } {
  const records: CsvRecord[] = [];
  let blankLines = 0;
  const lines = block.raw.split('\n');
  for (let i = 0; i < lines.length; i++) {
    let raw = lines[i]!;
    if (raw.charCodeAt(raw.length - 1) === 13) raw = raw.slice(0, -1);
    if (raw.length === 0) blankLines++;
    else if (raw.length > maxRecordBytes) records.push(oversized(block.line + i, raw, maxRecordBytes, keepBytes));
    else records.push({ line: block.line + i, raw, bytes: raw.length });
  }
  return { records, blankLines };
}

/** Batches of records from a byte stream: one array per chunk read, so per-record async overhead is avoided. */
export async function* readCsvRecords(
  input: AsyncIterable<Buffer>,
  splitter: CsvRecordSplitter = new CsvRecordSplitter(),
): AsyncGenerator<CsvRecord[]> {
  for await (const chunk of input) {
    const records = splitter.push(chunk);
    if (records.length) yield records;
  }
  const rest = splitter.end();
  if (rest.length) yield rest;
}
