// The warehouse tables, generated from the zod wire schemas: one definition for DuckDB and BigQuery alike.
import { columnsOf, type Column } from '../schema/columns.ts';
import { KaggleTransaction } from '../schema/kaggle.ts';
import { RawTransaction } from '../schema/raw.ts';
import { Verdict } from '../schema/verdict.ts';
import { Label } from '../schema/label.ts';
import { DeadLetter } from '../schema/dead-letter.ts';

export type ColumnType = 'DOUBLE' | 'BIGINT' | 'VARCHAR' | 'TIMESTAMP' | 'BOOLEAN' | 'JSON';

export interface TableColumn {
  readonly name: string;
  readonly type: ColumnType;
  readonly nullable: boolean;
  readonly description?: string;
}

export interface TableDef {
  readonly name: TableName;
  readonly columns: readonly TableColumn[];
  /** Rows are unique by this column; appends skip ids already present. */
  readonly idColumn: string;
  /** Time column the cloud table is partitioned by (by day). */
  readonly partitionBy: string;
  readonly clusterBy: readonly string[];
}

export type TableName = 'transactions' | 'verdicts' | 'labels' | 'dead_letters' | 'shadow_verdicts';

const TYPE_OF_KIND: Record<Column['kind'], ColumnType> = {
  number: 'DOUBLE',
  integer: 'BIGINT',
  datetime: 'TIMESTAMP',
  boolean: 'BOOLEAN',
  string: 'VARCHAR',
};
const typeOf = (c: Column): ColumnType => TYPE_OF_KIND[c.kind];

/** Every message's envelope, flattened. */
const ENVELOPE: TableColumn[] = [
  { name: 'id', type: 'VARCHAR', nullable: false, description: 'deterministic message id' },
  { name: 'schema_name', type: 'VARCHAR', nullable: false },
  { name: 'schema_version', type: 'BIGINT', nullable: false },
  { name: 'source_file', type: 'VARCHAR', nullable: false },
  { name: 'source_line', type: 'BIGINT', nullable: false },
  { name: 'ingested_at', type: 'TIMESTAMP', nullable: false },
];

function payloadColumns(...schemas: Parameters<typeof columnsOf>[]): TableColumn[] {
  // SQL names are case-insensitive: fields differing only in case (Kaggle `Amount`, raw `amount`) share one column.
  const out = new Map<string, TableColumn>();
  for (const [schema, datetimes] of schemas) {
    for (const c of columnsOf(schema, datetimes)) {
      const key = c.name.toLowerCase();
      const existing = out.get(key);
      if (existing) {
        if (existing.type !== typeOf(c)) throw new Error(`column ${c.name} has two types across formats`);
        continue;
      }
      // One table holds several formats: a column one of them lacks must be nullable.
      out.set(key, {
        name: c.name,
        type: typeOf(c),
        nullable: true,
        ...(c.description ? { description: c.description } : {}),
      });
    }
  }
  return [...out.values()];
}

/** Champion and shadow verdicts share one row shape: the verdict payload, its reasons and rules kept as JSON. */
const VERDICT_COLUMNS = [
  ...ENVELOPE,
  ...payloadColumns([Verdict, ['scored_at']]).map((c) =>
    c.name === 'reasons' || c.name === 'rules' ? { ...c, type: 'JSON' as const } : c,
  ),
];

export const TABLES: Record<TableName, TableDef> = {
  transactions: {
    name: 'transactions',
    columns: [...ENVELOPE, ...payloadColumns([KaggleTransaction], [RawTransaction, ['tx_datetime']])],
    idColumn: 'id',
    partitionBy: 'ingested_at',
    clusterBy: ['customer_id', 'id'],
  },
  verdicts: {
    name: 'verdicts',
    columns: VERDICT_COLUMNS,
    idColumn: 'id',
    partitionBy: 'scored_at',
    clusterBy: ['customer_id', 'transaction_id'],
  },
  /** The shadow challenger's verdicts (role `shadow`), one per transaction and version: never mixed with the answers. */
  shadow_verdicts: {
    name: 'shadow_verdicts',
    columns: VERDICT_COLUMNS,
    idColumn: 'id',
    partitionBy: 'scored_at',
    clusterBy: ['model_version', 'transaction_id'],
  },
  labels: {
    name: 'labels',
    columns: [...ENVELOPE, ...payloadColumns([Label, ['labelled_at']])],
    idColumn: 'id',
    partitionBy: 'labelled_at',
    clusterBy: ['transaction_id'],
  },
  dead_letters: {
    name: 'dead_letters',
    columns: [
      { name: 'id', type: 'VARCHAR', nullable: false },
      { name: 'topic', type: 'VARCHAR', nullable: false },
      ...columnsOf(DeadLetter, ['rejected_at'])
        .filter((c) => c.name !== 'id')
        .map((c) => ({
          name: c.name,
          type: c.name === 'reasons' ? ('JSON' as const) : typeOf(c),
          nullable: c.optional || c.name === 'schema',
        })),
    ],
    idColumn: 'id',
    partitionBy: 'rejected_at',
    clusterBy: ['topic'],
  },
};
