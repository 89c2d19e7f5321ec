// An envelope as a warehouse row: the envelope's fields, then the payload's, each under its table column.
import type { AnyEnvelope } from '../schema/registry.ts';
import type { Row } from './port.ts';
import { TABLES, type TableName } from './tables.ts';

/** Payload field -> table column (SQL names are case-insensitive: raw `amount` lands in `Amount`). */
const columnNames = new Map<TableName, Map<string, string>>();
function columnOf(table: TableName, field: string): string | undefined {
  let names = columnNames.get(table);
  if (!names) {
    names = new Map(TABLES[table].columns.map((c) => [c.name.toLowerCase(), c.name]));
    columnNames.set(table, names);
  }
  const hit = names.get(field);
  if (hit !== undefined) return hit;
  const col = names.get(field.toLowerCase());
  if (col !== undefined) names.set(field, col);
  return col;
}

export function flatten(table: TableName, e: AnyEnvelope): Row {
  const row: Row = {
    id: e.id,
    schema_name: e.schema.name,
    schema_version: e.schema.version,
    source_file: e.source.file,
    source_line: e.source.line,
    ingested_at: e.ingested_at,
  };
  const payload = e.payload;
  for (const k in payload) {
    const col = columnOf(table, k);
    if (col !== undefined) row[col] = payload[k];
  }
  return row;
}
