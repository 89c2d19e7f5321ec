// A fast path for reading envelopes back: canonical envelope text matched by a regex derived from the payload schema.
import { z } from 'zod';
import { columnsOf } from './columns.ts';
import { columnPattern } from '../csv/fast-row.ts';
import { PAYLOAD_SCHEMAS } from './registry.ts';

/**
 * A JSON string with at least one character, well-formed: a \\u escape of a surrogate only as a high-low pair
 * (a lone one is valid to JSON.parse but refused by DuckDB's reader), and no raw surrogate either.
 */
const JSON_STRING =
  '"(?:[^"\\\\\\u0000-\\u001f\\ud800-\\udfff]|[\\ud800-\\udbff][\\udc00-\\udfff]|\\\\["\\\\/bfnrt]|' +
  '\\\\u(?:[0-9a-cA-CefEF][0-9a-fA-F]{3}|[dD][0-7][0-9a-fA-F]{2}|[dD][89abAB][0-9a-fA-F]{2}\\\\u[dD][c-fC-F][0-9a-fA-F]{2}))+"';
const isoDateTime = z.iso.datetime();

export type EnvelopeMatcher = (text: string) => boolean;

/**
 * For a payload schema whose rules are all numeric bounds (kaggle): a test that accepts only envelopes in the form
 * ingest writes them (keys in schema order, no spaces) whose every value zod accepts. What it rejects may still be
 * valid (another producer's key order); that goes the slow way through JSON.parse and zod. Null for other schemas.
 */
export function envelopeMatcher(schemaName: string): EnvelopeMatcher | null {
  const known = PAYLOAD_SCHEMAS[schemaName];
  if (!known?.exact) return null;
  const columns = columnsOf(known.schema as z.ZodObject);
  const parts: string[] = [];
  for (const c of columns) {
    // Digits capped so no value can overflow to Infinity.
    const p = columnPattern(c)?.replace('[1-9]\\d*', '[1-9]\\d{0,99}').replace('\\.\\d+', '\\.\\d{1,100}');
    if (!p) return null;
    const field = `"${c.name}":${p}`;
    parts.push(c.optional ? `(?:,${field})?` : `,${field}`);
  }
  if (columns[0]!.optional) return null;
  const payload = `\\{${parts.join('').slice(1)}\\}`;
  const re = new RegExp(
    `^\\{"id":"[0-9a-f]{32}","schema":\\{"name":"${schemaName}","version":${known.version}\\},"source":\\{"file":${JSON_STRING},"line":[1-9]\\d{0,14}\\},` +
      `"ingested_at":"([^"]{1,40})","payload":${payload}\\}$`,
  );
  return (text) => {
    const m = re.exec(text);
    return m !== null && isoDateTime.safeParse(m[1]).success;
  };
}
