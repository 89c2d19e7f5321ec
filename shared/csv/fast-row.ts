// A one-regex fast path for formats whose rules are all numeric bounds: a line it accepts is valid, and its JSON comes out of one native replace.
import type { DetectedFormat } from '../schema/formats.ts';
import type { Column } from '../schema/columns.ts';

/** Plain decimals; the builder below refuses any field over MAX_FIELD chars, so none can overflow to Infinity. */
const UNSIGNED = '(?:0|[1-9]\\d*)(?:\\.\\d+)?';
const MAX_FIELD = 200;
const SIGNED = `-?${UNSIGNED}`;

/** A plain decimal with at most `digits` integer digits: its magnitude is below 10^digits. */
function capped(digits: number, signed: boolean): string {
  const whole = digits === 0 ? '0' : `(?:0|[1-9]\\d{0,${digits - 1}})`;
  return `${signed ? '-?' : ''}${whole}(?:\\.\\d+)?`;
}

/** The most integer digits a decimal may have and still be certainly within `limit` in magnitude (10^d <= limit). */
function digitsWithin(limit: number): number | undefined {
  if (!(limit >= 1)) return undefined;
  return limit >= 1e15 ? 15 : String(Math.floor(limit)).length - 1;
}

/**
 * The pattern of a column's text that zod certainly accepts, or undefined when the column has no simple one.
 * It may reject valid text (e.g. "1e3", "-0" for a non-negative column, 1000 for a column bounded at 1000); such
 * lines go the slow, exact way.
 */
export function columnPattern(c: Column): string | undefined {
  const b = c.bounds;
  if (!b) return undefined;
  if (b.values)
    return b.values.every((v) => Number.isSafeInteger(v) && v >= 0) ? `(?:${b.values.join('|')})` : undefined;
  if (b.integer) return undefined;
  const unsigned = b.min?.value === 0 && b.min.inclusive;
  if (b.min && !unsigned && !(b.min.value <= -1)) return undefined;
  if (!b.max && (!b.min || unsigned)) return unsigned ? UNSIGNED : SIGNED;
  // A bounded column: fewer integer digits than the nearer bound has, so the text is certainly within both.
  const limits = [b.max?.value, unsigned ? undefined : b.min && -b.min.value].filter((v) => v !== undefined);
  const digits = digitsWithin(Math.min(...limits));
  return digits === undefined ? undefined : capped(digits, !unsigned);
}

export type FastRow = (line: string) => string | null;

const cache = new WeakMap<DetectedFormat, FastRow | null>();

/** For the file's column order: a function from a raw line to the payload JSON, or null when the line needs the slow path. */
export function fastRowOf(detected: DetectedFormat): FastRow | null {
  if (cache.has(detected)) return cache.get(detected)!;
  const fast = build(detected);
  cache.set(detected, fast);
  return fast;
}

function build(detected: DetectedFormat): FastRow | null {
  const columns = detected.format.columns;
  // File columns must come in schema order (some optional ones may be absent): then the JSON is the line, relabelled.
  const fileToSchema: number[] = [];
  for (let c = 0; c < columns.length; c++) if (detected.indexOf[c]! !== -1) fileToSchema[detected.indexOf[c]!] = c;
  if (
    fileToSchema.length !== detected.width ||
    fileToSchema.some((c, i) => c === undefined || (i > 0 && c <= fileToSchema[i - 1]!))
  )
    return null;
  const patterns = fileToSchema.map((c) => columnPattern(columns[c]!));
  if (patterns.some((p) => p === undefined)) return null;
  const re = new RegExp(`^${patterns.join(',')}$`);
  const names = fileToSchema.map((c) => `${JSON.stringify(columns[c]!.name)}:`);
  const last = names.length - 1;
  const parts = new Array<string>(names.length * 2 + 1);
  return (line) => {
    if (!re.test(line)) return null;
    // One join builds the JSON flat; piecewise += would leave a deep rope for the GC and the encoder.
    parts[0] = '{';
    let start = 0;
    for (let i = 0; i <= last; i++) {
      const end = i === last ? line.length : line.indexOf(',', start);
      if (end - start > MAX_FIELD) return null;
      parts[2 * i + 1] = names[i]!;
      parts[2 * i + 2] = line.slice(start, end) + (i === last ? '}' : ',');
      start = end + 1;
    }
    return parts.join('');
  };
}

/** Bytes appended at `at` of a buffer the caller made large enough; returns the end, or -1 when the line needs the slow path. */
export type FastRowWriter = (line: string, out: Uint8Array, at: number) => number;

const writers = new WeakMap<DetectedFormat, FastRowWriter | null>();

/** The most bytes `FastRowWriter` appends for a line of `length` characters. */
export function fastRowBound(detected: DetectedFormat, length: number): number {
  return length + 2 + detected.format.columns.reduce((n, c) => n + Buffer.byteLength(JSON.stringify(c.name)) + 1, 0);
}

/**
 * The same JSON as `fastRowOf`, written as bytes straight into the caller's buffer: a line the pattern accepts is
 * ASCII (digits, signs, points, commas), so it is copied byte by byte with the names spliced in at each comma, and
 * no string per field or per row is made for the GC to collect.
 */
export function fastRowWriterOf(detected: DetectedFormat): FastRowWriter | null {
  if (writers.has(detected)) return writers.get(detected)!;
  // Only where fastRowOf has a fast path: the file's columns all have patterns and come in schema order.
  const re = fastRowOf(detected) ? patternOf(detected) : null;
  const columns = detected.format.columns;
  const names = Array.from({ length: re ? detected.width : 0 }, (_, i) =>
    Buffer.from(`${JSON.stringify(columns[fileColumnOf(detected, i)]!.name)}:`),
  );
  let scratch = Buffer.allocUnsafe(1 << 12);
  const writer: FastRowWriter | null = re
    ? (line, out, at) => {
        if (!re.test(line)) return -1;
        if (scratch.length < line.length) scratch = Buffer.allocUnsafe(line.length * 2);
        scratch.write(line, 0, 'latin1');
        return spliceNames(scratch, line.length, names, out, at);
      }
    : null;
  writers.set(detected, writer);
  return writer;
}

/** `{` name0 field0 `,` name1 field1 ... `}`; -1 when a field is longer than MAX_FIELD. */
function spliceNames(line: Uint8Array, length: number, names: Uint8Array[], out: Uint8Array, at: number): number {
  let o = at;
  out[o++] = 123; // {
  let name = names[0]!;
  for (let k = 0; k < name.length; k++) out[o++] = name[k]!;
  let field = 0;
  let fieldStart = 0;
  for (let j = 0; j < length; j++) {
    const c = line[j]!;
    if (c !== 44) {
      out[o++] = c;
      continue;
    }
    if (j - fieldStart > MAX_FIELD) return -1;
    fieldStart = j + 1;
    out[o++] = 44; // ,
    name = names[++field]!;
    for (let k = 0; k < name.length; k++) out[o++] = name[k]!;
  }
  if (length - fieldStart > MAX_FIELD) return -1;
  out[o++] = 125; // }
  return o;
}

/** The schema column at file position i (the file holds them in schema order: `build` checked). */
function fileColumnOf(detected: DetectedFormat, i: number): number {
  for (let c = 0; c < detected.format.columns.length; c++) if (detected.indexOf[c] === i) return c;
  throw new Error(`no column at file position ${i}`);
}

function patternOf(detected: DetectedFormat): RegExp {
  const columns = detected.format.columns;
  const patterns: string[] = [];
  for (let i = 0; i < detected.width; i++) patterns.push(columnPattern(columns[fileColumnOf(detected, i)]!)!);
  return new RegExp(`^${patterns.join(',')}$`);
}
