// Splits one CSV record into fields by RFC 4180: commas, double-quoted fields, "" as an escaped quote.

export type FieldsResult = { ok: true; fields: string[] } | { ok: false; reason: string };

/** Fast path for the common case: no quote character means a plain split is exact. */
export function splitFields(record: string): FieldsResult {
  if (record.indexOf('"') === -1) return { ok: true, fields: record.split(',') };
  return splitQuoted(record);
}

function splitQuoted(record: string): FieldsResult {
  const fields: string[] = [];
  let i = 0;
  const n = record.length;
  for (;;) {
    if (record.charCodeAt(i) === 34 /* " */) {
      let value = '';
      let j = i + 1;
      for (;;) {
        const q = record.indexOf('"', j);
        if (q === -1) return { ok: false, reason: `unterminated quoted field ${fields.length + 1}` };
        value += record.slice(j, q);
        if (record.charCodeAt(q + 1) === 34) {
          value += '"';
          j = q + 2;
          continue;
        }
        i = q + 1;
        break;
      }
      fields.push(value);
      if (i === n) return { ok: true, fields };
      if (record.charCodeAt(i) !== 44 /* , */) {
        return { ok: false, reason: `text after the closing quote of field ${fields.length}` };
      }
      i++;
    } else {
      const comma = record.indexOf(',', i);
      const end = comma === -1 ? n : comma;
      const value = record.slice(i, end);
      if (value.indexOf('"') !== -1)
        return { ok: false, reason: `stray quote inside unquoted field ${fields.length + 1}` };
      fields.push(value);
      if (comma === -1) return { ok: true, fields };
      i = comma + 1;
    }
  }
}

/** True when the record has an odd number of quotes: a quoted field goes on past the line break. */
export function hasOpenQuote(text: string): boolean {
  let count = 0;
  for (let i = text.indexOf('"'); i !== -1; i = text.indexOf('"', i + 1)) count++;
  return count % 2 === 1;
}
