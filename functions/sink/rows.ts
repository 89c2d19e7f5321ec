// Turns validated messages into warehouse rows: envelopes flattened, dead letters as they are, poison messages recorded.
import { contentId } from '../../shared/schema/formats.ts';
import type { AnyEnvelope } from '../../shared/schema/registry.ts';
import type { DeadLetter } from '../../shared/schema/dead-letter.ts';
import { MAX_DLQ_RAW_CHARS } from '../../shared/schema/dead-letter.ts';
import type { LogRecord } from '../../shared/eventlog/port.ts';
import type { Row } from '../../shared/warehouse/port.ts';
import { TABLES, type TableName } from '../../shared/warehouse/tables.ts';

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

export function envelopeRow(table: TableName, e: AnyEnvelope): Row {
  const row: Row = {
    id: e.id, schema_name: e.schema.name, schema_version: e.schema.version,
    source_file: e.source.file, source_line: e.source.line, ingested_at: e.ingested_at,
  };
  const payload = e.payload;
  for (const k in payload) {
    const col = columnOf(table, k);
    if (col !== undefined) row[col] = payload[k];
  }
  return row;
}

export function deadLetterRow(topic: string, d: DeadLetter): Row {
  return { ...d, topic };
}

/** A message that failed its schema: kept in dead_letters with where it was and why, never retried forever. */
export function poisonRow(record: LogRecord, reasons: string[], at: string): Row {
  const raw = record.value.toString('utf8');
  return {
    id: contentId(`poison:${record.topic}:${record.partition}:${record.offset}`),
    topic: record.topic,
    file: `${record.topic}[${record.partition}]`,
    line: record.offset + 1,
    raw: raw.slice(0, MAX_DLQ_RAW_CHARS),
    raw_truncated: raw.length > MAX_DLQ_RAW_CHARS,
    raw_bytes: record.value.length,
    reasons: JSON.stringify(reasons),
    schema: null,
    rejected_at: at,
  };
}
