// The DuckDB envelope load: a batch written as a newline-delimited file, and the INSERT that reads it with the JSON reader.
import { closeSync, openSync, writevSync } from 'node:fs';
import type { z } from 'zod';
import { columnsOf } from '../../schema/columns.ts';
import { FraudflowError } from '../../errors.ts';
import { TABLES, type ColumnType, type TableName } from '../tables.ts';

const NEWLINE = Buffer.from('\n');

export const quoteIdent = (name: string): string => `"${name.replaceAll('"', '""')}"`;

export const SQL_TYPE: Record<ColumnType, string> = {
  DOUBLE: 'DOUBLE',
  BIGINT: 'BIGINT',
  VARCHAR: 'VARCHAR',
  TIMESTAMP: 'TIMESTAMPTZ',
  BOOLEAN: 'BOOLEAN',
  JSON: 'VARCHAR',
};

/** Each value then a newline, written from the buffers as they are (no copy of the whole batch). */
export function writeLines(file: string, values: readonly Uint8Array[]): void {
  const fd = openSync(file, 'w');
  try {
    const iov: Uint8Array[] = [];
    let bytes = 0;
    for (let i = 0; i < values.length; i++) {
      iov.push(values[i]!, NEWLINE);
      bytes += values[i]!.byteLength + 1;
      if (iov.length >= 1024 || i === values.length - 1) {
        const written = writevSync(fd, iov);
        if (written !== bytes)
          throw new FraudflowError(
            'WAREHOUSE_FAILED',
            `duckdb: short write to ${file} (${written} of ${bytes} bytes)`,
            { file },
          );
        iov.length = 0;
        bytes = 0;
      }
    }
  } finally {
    closeSync(fd);
  }
}

/**
 * The INSERT that reads a batch file of envelopes with DuckDB's JSON reader, once per id; with `antiJoin` it skips ids
 * already stored (a scan of the table's ids), without it the caller has proved none of the batch's ids is there.
 */
export function envelopeInsertSql(table: TableName, schema: z.ZodObject, file: string, antiJoin: boolean): string {
  const def = TABLES[table];
  const fields = columnsOf(schema);
  const byLower = new Map(def.columns.map((c) => [c.name.toLowerCase(), c]));
  const payloadStruct = fields
    .map((f) => `${quoteIdent(f.name)} ${SQL_TYPE[byLower.get(f.name.toLowerCase())!.type]}`)
    .join(', ');
  const spec = `{id: 'VARCHAR', schema: 'STRUCT(name VARCHAR, version BIGINT)', source: 'STRUCT(file VARCHAR, line BIGINT)', ingested_at: 'VARCHAR', payload: 'STRUCT(${payloadStruct.replaceAll("'", "''")})'}`;
  const targets = ['id', 'schema_name', 'schema_version', 'source_file', 'source_line', 'ingested_at'].concat(
    fields.map((f) => byLower.get(f.name.toLowerCase())!.name),
  );
  const sources = ['s.id', 's.schema.name', 's.schema.version', 's.source.file', 's.source.line'].concat(
    'CAST(s.ingested_at AS TIMESTAMPTZ)',
    fields.map((f) => `s.payload.${quoteIdent(f.name)}`),
  );
  const id = quoteIdent(def.idColumn);
  return (
    `INSERT INTO ${table} (${targets.map(quoteIdent).join(', ')}) SELECT ${sources.join(', ')} FROM ` +
    `(SELECT DISTINCT ON (id) * FROM read_json('${file.replaceAll("'", "''")}', format = 'newline_delimited', columns = ${spec})) s ` +
    (antiJoin ? `WHERE NOT EXISTS (SELECT 1 FROM ${table} t WHERE t.${id} = s.id)` : '')
  );
}
