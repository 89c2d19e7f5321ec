// Cuts CSV bytes into records: line numbers, raw text, UTF-8 checked, oversized lines cut off, never the whole file in memory.
import { hasOpenQuote, splitFields } from './fields.ts';
import { cutText } from '../schema/dead-letter.ts';

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
  private pending: { line: number; lines: string[]; bytes: number } | null = null;
  /** Lines rejected alone after a quoted field ran past them and failed, and the lines read again after them. */
  quoteRecoveries = 0;
  rereadLines = 0;
  /** Fields in the header: a multi-line record with another count is a stray quote's doing. */
  private width = 0;
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
    while (this.pending) this.recover('a quoted field opened on this line is still open at the end of the file');
    return this.take();
  }

  private take(): CsvRecord[] {
    const out = this.out;
    this.out = [];
    return out;
  }

  private endSkip(): void {
    const s = this.skipping!;
    while (this.pending) this.recover('a quoted field opened on this line is still open at an oversized line');
    this.lineNo++;
    this.out.push({
      line: s.line,
      raw: cutText(lossyDecoder.decode(s.head), this.keep),
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
    while (this.pending) this.recover('a quoted field opened on this line is still open at a line of invalid UTF-8');
    this.out.push({
      line: this.lineNo,
      raw: cutText(text, this.keep),
      bytes: bytes.length,
      error: `invalid UTF-8 bytes at character ${at} of the line`,
    });
  }

  private line(raw: string): void {
    this.lineNo++;
    this.handle(this.lineNo, raw.charCodeAt(raw.length - 1) === 13 ? raw.slice(0, -1) : raw);
  }

  private handle(lineNo: number, text: string): void {
    const pending = this.pending;
    if (pending) {
      pending.lines.push(text);
      pending.bytes += text.length + 1;
      if (pending.bytes > this.maxBytes) {
        this.recover(`a quoted field opened on this line runs past ${this.maxBytes} bytes without closing`);
      } else if (hasOpenQuote(text)) {
        const joined = pending.lines.join('\n');
        const split = splitFields(joined);
        if (!split.ok)
          this.recover(
            `a quoted field opened on this line closes ${lineNo - pending.line} lines later, in a record that cannot be split (${split.reason})`,
          );
        else if (this.width !== 0 && split.fields.length !== this.width)
          this.recover(
            `a quoted field opened on this line closes ${lineNo - pending.line} lines later, in a record of ${split.fields.length} fields (the header has ${this.width})`,
          );
        else {
          this.pending = null;
          this.out.push(this.toRecord(pending.line, joined, pending.bytes, split.fields));
        }
      }
      return;
    }
    if (text.length === 0) {
      this.blankLines++;
      return;
    }
    if (text.length > this.maxBytes) {
      this.out.push(oversized(lineNo, text, this.maxBytes, this.keep));
      return;
    }
    if (text.indexOf('"') !== -1 && hasOpenQuote(text)) {
      this.pending = { line: lineNo, lines: [text], bytes: text.length };
      return;
    }
    this.out.push(this.toRecord(lineNo, text, text.length));
  }

  /**
   * A quoted field ran past its line and the record it made fails: the line that opened it is rejected alone,
   * and the lines it swallowed are read again as lines of their own, so a stray quote costs one row, not the rows after it.
   */
  private recover(reason: string): void {
    const p = this.pending!;
    this.pending = null;
    this.quoteRecoveries++;
    this.rereadLines += p.lines.length - 1;
    const first = p.lines[0]!;
    this.out.push({
      line: p.line,
      raw: cutText(first, this.keep),
      bytes: first.length,
      error: `${reason} (stray quote?); this line alone is rejected, the ${p.lines.length - 1} lines after it are read again`,
    });
    for (let i = 1; i < p.lines.length; i++) this.handle(p.line + i, p.lines[i]!);
  }

  private toRecord(line: number, text: string, bytes: number, fields?: string[]): CsvRecord {
    const first = this.records++ === 0;
    if (!this.split && !first) return { line, raw: text, bytes };
    const split = fields ? { ok: true as const, fields } : splitFields(text);
    if (first && split.ok) this.width = split.fields.length;
    return split.ok
      ? { line, raw: text, bytes, fields: split.fields }
      : { line, raw: text, bytes, error: split.reason };
  }
}

function oversized(line: number, text: string, maxBytes: number, keep: number): CsvRecord {
  return {
    line,
    raw: cutText(text, keep),
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
