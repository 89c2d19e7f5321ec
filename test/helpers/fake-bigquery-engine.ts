// The storage and SQL behind the fake BigQuery server: an in-memory DuckDB, BigQuery's few dialect differences translated, results as BigQuery's f/v rows.
import { rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { DuckDBInstance, type DuckDBConnection, type DuckDBValue } from '@duckdb/node-api';

export interface BqField {
  name: string;
  type: string;
  mode?: string;
}
export interface BqResult {
  fields: BqField[];
  rows: Array<{ f: Array<{ v: string | null }> }>;
  dmlAffectedRows?: number;
}

const DUCK_TYPE: Record<string, string> = {
  FLOAT64: 'DOUBLE',
  FLOAT: 'DOUBLE',
  INT64: 'BIGINT',
  INTEGER: 'BIGINT',
  STRING: 'VARCHAR',
  TIMESTAMP: 'TIMESTAMPTZ',
  BOOL: 'BOOLEAN',
  BOOLEAN: 'BOOLEAN',
  JSON: 'JSON',
};

/** Refuses what BigQuery's parser refuses and DuckDB accepts, so a DuckDB-only query fails here as it would there. */
const NOT_BIGQUERY: Array<[RegExp, string]> = [
  [/::/, 'Syntax error: "::" casts are not GoogleSQL (use CAST(x AS type))'],
  [/\barg_max\s*\(/i, 'Function not found: arg_max'],
  [/\bstrftime\s*\(/i, 'Function not found: strftime'],
  [/\bepoch_ms\s*\(/i, 'Function not found: epoch_ms'],
  [
    /\.\s*"[A-Za-z_]/,
    'Syntax error: a double-quoted name is a string literal in GoogleSQL (quote names with backticks)',
  ],
];

/** The only dialect differences the statements fraudflow sends rely on; anything else reaches DuckDB as written. */
export function toDuckSql(sql: string): string {
  for (const [pattern, message] of NOT_BIGQUERY) if (pattern.test(sql)) throw new Error(message);
  return sql
    .replace(
      /ARRAY_AGG\(\s*([^()]+?)\s+ORDER BY\s+([^()]+?)\s+DESC\s+LIMIT\s+1\s*\)\s*\[OFFSET\(0\)\]/gi,
      'arg_max($1, $2)',
    )
    .replace(/TIMESTAMP_SUB\(\s*([^(),]+?)\s*,\s*(INTERVAL\s+\d+\s+DAY)\s*\)/gi, '($1 - $2)')
    .replace(/UNIX_SECONDS\(\s*([^()]+?)\s*\)/gi, 'floor(epoch_ms($1) / 1000)')
    .replace(/FORMAT_TIMESTAMP\(\s*('[^']*')\s*,\s*([^()]+?)\s*\)/gi, 'strftime($2, $1)')
    .replace(/`([^`]+)`/g, (_, name: string) => `"${name.split('.').pop()!}"`)
    .replace(/\*\s+EXCEPT\s*\(/gi, '* EXCLUDE (')
    .replace(/^\s*MERGE\s+(?!INTO\b)/i, 'MERGE INTO ')
    .replace(/\bINSERT\s+ROW\b/gi, 'INSERT');
}

function bqType(duckType: string): string {
  if (/^(BIGINT|INTEGER|HUGEINT|SMALLINT|TINYINT|UBIGINT|UINTEGER)$/.test(duckType)) return 'INTEGER';
  if (/^(DOUBLE|FLOAT|DECIMAL)/.test(duckType)) return 'FLOAT';
  if (duckType === 'BOOLEAN') return 'BOOLEAN';
  if (duckType.startsWith('TIMESTAMP')) return 'TIMESTAMP';
  if (duckType === 'JSON') return 'JSON';
  return 'STRING';
}

/** A value as BigQuery's REST API writes it in a cell: text; TIMESTAMP as int64 microseconds (formatOptions.useInt64Timestamp). */
function cell(v: DuckDBValue): string | null {
  if (v === null) return null;
  if (typeof v === 'object' && 'micros' in v) return String(v.micros);
  return String(v);
}

export class FakeBigQueryEngine {
  private constructor(
    private readonly instance: DuckDBInstance,
    private readonly db: DuckDBConnection,
  ) {}

  static async create(): Promise<FakeBigQueryEngine> {
    const instance = await DuckDBInstance.create(':memory:');
    const db = await instance.connect();
    await db.run(`SET TimeZone = 'UTC'`);
    return new FakeBigQueryEngine(instance, db);
  }

  async createTable(id: string, resource: { schema?: { fields: BqField[] }; view?: { query: string } }): Promise<void> {
    if (resource.view) {
      await this.db.run(`CREATE VIEW "${id}" AS ${toDuckSql(resource.view.query)}`);
      return;
    }
    const cols = (resource.schema?.fields ?? []).map(
      (f) => `"${f.name}" ${DUCK_TYPE[f.type] ?? 'VARCHAR'}${f.mode === 'REQUIRED' ? ' NOT NULL' : ''}`,
    );
    await this.db.run(`CREATE TABLE "${id}" (${cols.join(', ')})`);
  }

  /** tables.patch adding fields: BigQuery accepts only NULLABLE additions, the existing fields unchanged. */
  async addFields(id: string, fields: readonly BqField[]): Promise<void> {
    for (const f of fields) {
      if (f.mode === 'REQUIRED') throw new Error(`Provided Schema does not match Table: field ${f.name} is REQUIRED`);
      await this.db.run(`ALTER TABLE "${id}" ADD COLUMN "${f.name}" ${DUCK_TYPE[f.type] ?? 'VARCHAR'}`);
    }
  }

  async dropTable(id: string): Promise<void> {
    await this.db.run(`DROP TABLE IF EXISTS "${id}"`);
  }

  /** Appends newline-delimited JSON rows, all or none, as a load job does; a field not in the schema fails the load. */
  async load(id: string, ndjson: string, fields: readonly BqField[]): Promise<number> {
    const known = new Set(fields.map((f) => f.name));
    const lines = ndjson.split('\n').filter((l) => l.trim() !== '');
    for (const [i, line] of lines.entries()) {
      const extra = Object.keys(JSON.parse(line) as object).find((k) => !known.has(k));
      if (extra)
        throw new Error(
          `Error while reading data, error message: JSON parsing error in row starting at position ${i}: No such field: ${extra}.`,
        );
    }
    const file = join(tmpdir(), `fake-bq-${randomUUID()}.ndjson`);
    writeFileSync(file, lines.join('\n') + '\n');
    try {
      const columns = fields.map((f) => `'${f.name}': '${DUCK_TYPE[f.type] ?? 'VARCHAR'}'`).join(', ');
      const r = await this.db.run(
        `INSERT INTO "${id}" BY NAME SELECT * FROM read_json('${file}', format = 'newline_delimited', columns = {${columns}})`,
      );
      return Number(r.rowsChanged);
    } finally {
      rmSync(file, { force: true });
    }
  }

  async query(sql: string): Promise<BqResult> {
    const duck = toDuckSql(sql);
    if (/^\s*(MERGE|INSERT|UPDATE|DELETE)\b/i.test(duck)) {
      const r = await this.db.run(duck);
      return { fields: [], rows: [], dmlAffectedRows: Number(r.rowsChanged) };
    }
    const reader = await this.db.runAndReadAll(duck);
    const types = reader.columnTypes().map((t) => bqType(t.toString()));
    const fields = reader.columnNames().map((name, i) => ({ name, type: types[i]!, mode: 'NULLABLE' }));
    return { fields, rows: reader.getRows().map((row) => ({ f: row.map((v) => ({ v: cell(v) })) })) };
  }

  close(): void {
    this.db.closeSync();
    this.instance.closeSync();
  }
}
