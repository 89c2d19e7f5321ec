// What the BigQuery adapter sends and reads back: generated table resources, the MERGE of a staged batch, rows as NDJSON, values as plain JS.
import type { TableField } from '@google-cloud/bigquery';
import type { Row } from '../port.ts';
import type { ColumnType, TableDef } from '../tables.ts';

const BQ_TYPE: Record<ColumnType, string> = {
  DOUBLE: 'FLOAT64',
  BIGINT: 'INT64',
  VARCHAR: 'STRING',
  TIMESTAMP: 'TIMESTAMP',
  BOOLEAN: 'BOOL',
  JSON: 'JSON',
};

/** The BigQuery table schema of a table definition: the one generated from the zod schemas. */
export function bigQuerySchema(def: TableDef): TableField[] {
  return def.columns.map((c) => ({
    name: c.name,
    type: BQ_TYPE[c.type],
    mode: c.nullable ? 'NULLABLE' : 'REQUIRED',
    ...(c.description ? { description: c.description } : {}),
  }));
}

/** The tables.insert body for a table definition. */
export function bigQueryTableResource(def: TableDef): Record<string, unknown> {
  return {
    schema: { fields: bigQuerySchema(def) },
    timePartitioning: { type: 'DAY', field: def.partitionBy },
    clustering: { fields: def.clusterBy.filter((f) => def.columns.some((c) => c.name === f)).slice(0, 4) },
    description: `fraudflow ${def.name}, generated from the zod wire schemas; unique by ${def.idColumn}`,
  };
}

const table = (project: string, dataset: string, name: string): string => `\`${project}.${dataset}.${name}\``;

/**
 * Inserts the staged rows whose id the target lacks, one row per id: re-running a batch (a crash after the write,
 * before the offsets were committed) inserts nothing. `numDmlAffectedRows` is the number inserted.
 */
export function mergeSql(project: string, dataset: string, def: TableDef, stagingTable: string): string {
  const id = `\`${def.idColumn}\``;
  return (
    `MERGE ${table(project, dataset, def.name)} AS t USING (SELECT * FROM ${table(project, dataset, stagingTable)} WHERE TRUE ` +
    `QUALIFY ROW_NUMBER() OVER (PARTITION BY ${id}) = 1) AS s ON t.${id} = s.${id} WHEN NOT MATCHED THEN INSERT ROW`
  );
}

/** One row per id: the `<table>_unique` view, for rows written by anything other than the sink's MERGE. */
export function uniqueViewSql(project: string, dataset: string, def: TableDef): string {
  return `SELECT * EXCEPT (_n) FROM (SELECT *, ROW_NUMBER() OVER (PARTITION BY ${def.idColumn} ORDER BY ${def.partitionBy}) AS _n FROM ${table(project, dataset, def.name)}) WHERE _n = 1`;
}

/** Rows as newline-delimited JSON for a load job, in pieces of `chunkRows`: NULLs left out, JSON columns as raw JSON values (strings are JSON text). */
export function* ndjsonChunks(def: TableDef, rows: readonly Row[], chunkRows = 5000): Generator<string> {
  for (let start = 0; start < rows.length; start += chunkRows) {
    const lines: string[] = [];
    for (const row of rows.slice(start, start + chunkRows)) {
      const out: Record<string, unknown> = {};
      for (const c of def.columns) {
        const v = row[c.name];
        if (v === undefined || v === null) continue;
        out[c.name] = c.type === 'JSON' && typeof v === 'string' ? JSON.parse(v) : v;
      }
      lines.push(JSON.stringify(out));
    }
    yield lines.join('\n') + '\n';
  }
}

/** The client's value wrappers (BigQueryTimestamp, BigQueryDate, ...) as plain values: TIMESTAMP as a Date, others as their text. */
export function plainRow(
  row: Record<string, unknown>,
  fields: ReadonlyArray<{ name?: string | null; type?: string | null }>,
): Row {
  const out: Row = {};
  for (const f of fields) {
    const name = f.name ?? '';
    const v = row[name];
    if (v !== null && typeof v === 'object' && 'value' in v && !Array.isArray(v)) {
      const text = String((v as { value: unknown }).value);
      out[name] = f.type === 'TIMESTAMP' ? new Date(text) : text;
    } else {
      out[name] = v;
    }
  }
  return out;
}
