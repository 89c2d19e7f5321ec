// Turns the text fields of one CSV record into a validated row of its format (and its JSON), or every reason it fails.
import type { DetectedFormat } from '../schema/formats.ts';
import type { Column } from '../schema/columns.ts';
import { checkBounds, isUnbounded } from '../schema/bounds.ts';
import { issueLines } from '../schema/issues.ts';

/** The grammar of a number in an upload: no NaN, no Infinity, no hex, no blanks around. */
const NUMBER = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;
/** Text that is already a JSON number can be copied into the message as is. */
const JSON_NUMBER = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?$/;
/** A JSON decimal with no exponent: always finite, so an unbounded column need not convert it at all. */
const PLAIN_DECIMAL = /^-?(?:0|[1-9]\d*)(?:\.\d+)?$/;

/** `row` is built only when asked for (`wantRow`) or when zod validates; `json` always. */
export type DecodeResult<T> = { ok: true; row: T | null; json: string } | { ok: false; reasons: string[] };

interface ColumnPlan {
  readonly column: Column;
  /** `"name":`, ready to be followed by the value's JSON. */
  readonly prefix: string;
  readonly numeric: boolean;
  readonly unbounded: boolean;
}

interface Plan {
  /** Every constraint of the zod schema is a numeric bound this module can read (the Kaggle format). */
  readonly exact: boolean;
  readonly columns: readonly ColumnPlan[];
}

const plans = new WeakMap<object, Plan>();

function planOf(detected: DetectedFormat): Plan {
  let plan = plans.get(detected.format);
  if (!plan) {
    const columns = detected.format.columns.map((column: Column) => ({
      column,
      prefix: `${JSON.stringify(column.name)}:`,
      numeric: column.kind === 'number' || column.kind === 'integer',
      unbounded: column.bounds !== undefined && isUnbounded(column.bounds),
    }));
    plan = { exact: detected.format.columns.every((c: Column) => c.bounds !== undefined), columns };
    plans.set(detected.format, plan);
  }
  return plan;
}

/**
 * Decodes by the column grammar, then validates. For an exact format it checks the schema's bounds itself,
 * exactly as zod would (test/unit/decode-matches-zod.test.ts); otherwise the zod schema validates. Either way
 * the schema is the single source of the rules.
 */
export function decodeFields<T>(detected: DetectedFormat, fields: readonly string[], wantRow = true): DecodeResult<T> {
  if (fields.length !== detected.width)
    return { ok: false, reasons: [`expected ${detected.width} fields, got ${fields.length}`] };
  const plan = planOf(detected);
  const columns = plan.columns;
  const exact = plan.exact;
  const out: Record<string, unknown> | null = exact && !wantRow ? null : {};
  const parts: string[] = [];
  let reasons: string[] | null = null;
  for (let c = 0; c < columns.length; c++) {
    const cp = columns[c]!;
    const col = cp.column;
    const idx = detected.indexOf[c]!;
    const text = idx === -1 ? '' : fields[idx]!;
    if (text === '') {
      if (!col.optional) (reasons ??= []).push(`${col.name}: missing value`);
      continue;
    }
    if (!cp.numeric) {
      out![col.name] = text;
      continue;
    }
    if (out === null && cp.unbounded && text.length < 300 && PLAIN_DECIMAL.test(text)) {
      parts.push(cp.prefix + text);
      continue;
    }
    const asJson = JSON_NUMBER.test(text);
    const n = asJson || NUMBER.test(text) ? +text : NaN;
    if (!Number.isFinite(n)) {
      (reasons ??= []).push(`${col.name}: expected a number, got ${preview(text)}`);
      continue;
    }
    if (exact) {
      const problem = checkBounds(n, col.bounds!);
      if (problem) {
        (reasons ??= []).push(`${col.name}: ${problem}`);
        continue;
      }
      parts.push(cp.prefix + (asJson ? text : String(n)));
    }
    if (out) out[col.name] = n;
  }
  if (reasons) return { ok: false, reasons };
  if (exact) return { ok: true, row: out as T | null, json: `{${parts.join(',')}}` };
  const parsed = detected.format.schema.safeParse(out);
  if (parsed.success) return { ok: true, row: parsed.data as T, json: JSON.stringify(parsed.data) };
  return { ok: false, reasons: issueLines(parsed.error, 'row') };
}

function preview(text: string): string {
  return JSON.stringify(text.length > 40 ? `${text.slice(0, 40)}…` : text);
}
