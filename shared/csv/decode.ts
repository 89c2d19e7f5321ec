// Turns the text fields of one CSV record into a validated row of its format (and its JSON), or every reason it fails.
import type { DetectedFormat } from '../schema/formats.ts';
import type { Column, NumberBounds } from '../schema/columns.ts';

/** The grammar of a number in an upload: no NaN, no Infinity, no hex, no blanks around. */
const NUMBER = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;
/** Text that is already a JSON number can be copied into the message as is. */
const JSON_NUMBER = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?$/;

/** `row` is built only when asked for (`wantRow`) or when zod validates; `json` always. */
export type DecodeResult<T> = { ok: true; row: T | null; json: string } | { ok: false; reasons: string[] };

/**
 * Decodes by the column grammar, then validates. When every constraint of the zod schema is a numeric bound this
 * module can read (the Kaggle format), it checks them itself, exactly as zod would (test/unit/decode-matches-zod);
 * otherwise the zod schema validates. Either way the schema is the single source of the rules.
 */
export function decodeFields<T>(detected: DetectedFormat, fields: readonly string[], wantRow = true): DecodeResult<T> {
  if (fields.length !== detected.width) return { ok: false, reasons: [`expected ${detected.width} fields, got ${fields.length}`] };
  const columns = detected.format.columns;
  const exact = isExact(detected);
  const reasons: string[] = [];
  const out: Record<string, unknown> | null = exact && !wantRow ? null : {};
  const parts: string[] = [];
  for (let c = 0; c < columns.length; c++) {
    const col = columns[c]!;
    const idx = detected.indexOf[c]!;
    const text = idx === -1 ? '' : fields[idx]!;
    if (text === '') {
      if (!col.optional) reasons.push(`${col.name}: missing value`);
      continue;
    }
    if (col.kind === 'string' || col.kind === 'datetime') {
      out![col.name] = text;
      continue;
    }
    const asJson = JSON_NUMBER.test(text);
    const bounds = col.bounds;
    // A JSON-grammar decimal without exponent is finite: no need to convert it unless a bound or the row needs the value.
    const plain = asJson && bounds !== undefined && isUnbounded(bounds) && out === null && text.length < 300 && !/[eE]/.test(text);
    const n = plain ? 0 : asJson || NUMBER.test(text) ? +text : NaN;
    if (!plain && !Number.isFinite(n)) {
      reasons.push(`${col.name}: expected a number, got ${preview(text)}`);
      continue;
    }
    if (exact) {
      const problem = plain ? undefined : checkBounds(n, bounds!);
      if (problem) {
        reasons.push(`${col.name}: ${problem}`);
        continue;
      }
      parts.push(`"${col.name}":${asJson ? text : String(n)}`);
    }
    if (out) out[col.name] = n;
  }
  if (reasons.length > 0) return { ok: false, reasons };
  if (exact) return { ok: true, row: out as T | null, json: `{${parts.join(',')}}` };
  const parsed = detected.format.schema.safeParse(out);
  if (parsed.success) return { ok: true, row: parsed.data as T, json: JSON.stringify(parsed.data) };
  return { ok: false, reasons: parsed.error.issues.map((i) => `${i.path.join('.') || 'row'}: ${i.message}`) };
}

const exactCache = new WeakMap<object, boolean>();
function isExact(detected: DetectedFormat): boolean {
  let v = exactCache.get(detected.format);
  if (v === undefined) {
    v = detected.format.columns.every((c: Column) => c.bounds !== undefined);
    exactCache.set(detected.format, v);
  }
  return v;
}

function isUnbounded(b: NumberBounds): boolean {
  return !b.integer && !b.min && !b.max && !b.values;
}

/** The same verdicts and the same words as zod 4's number checks. */
function checkBounds(n: number, b: NumberBounds): string | undefined {
  if (b.values) return b.values.includes(n) ? undefined : `Invalid input: expected one of ${b.values.join('|')}`;
  if (b.integer && !Number.isSafeInteger(n)) return 'Invalid input: expected int, received number';
  if (b.min && (b.min.inclusive ? n < b.min.value : n <= b.min.value)) return `Too small: expected number to be ${b.min.inclusive ? '>=' : '>'}${b.min.value}`;
  if (b.max && (b.max.inclusive ? n > b.max.value : n >= b.max.value)) return `Too big: expected number to be ${b.max.inclusive ? '<=' : '<'}${b.max.value}`;
  return undefined;
}

function preview(text: string): string {
  return JSON.stringify(text.length > 40 ? `${text.slice(0, 40)}…` : text);
}
