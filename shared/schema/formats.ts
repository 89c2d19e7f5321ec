// The uploadable CSV formats, and the detection of a file's format from its header.
import { hash } from 'node:crypto';
import type { z } from 'zod';
import { FraudflowError } from '../errors.ts';
import { columnsOf, type Column } from './columns.ts';
import { KAGGLE_SCHEMA, KaggleTransaction } from './kaggle.ts';
import { RAW_SCHEMA, RawTransaction } from './raw.ts';
import { LABEL_SCHEMA, Label } from './label.ts';
import type { SchemaRef } from './envelope.ts';

/**
 * How a row gets its deterministic 32-hex id (the same row ingested twice gets the same id) and its
 * partitioning key (rows of one customer stay in order in one partition).
 */
export type Identity<T> =
  /** From the line number and the row's text: unique within a file by construction; the key is the id. */
  | { readonly by: 'line' }
  /** From fields of the row, e.g. a transaction id: repeats within a file are duplicates. */
  | { readonly by: 'row'; idOf(row: T): string; keyOf(row: T): string };

export interface CsvFormat<T> {
  readonly ref: SchemaRef;
  readonly schema: z.ZodType<T>;
  readonly columns: readonly Column[];
  readonly identity: Identity<T>;
}

export function lineId(format: { ref: SchemaRef }, line: number, rawText: string): string {
  return contentId(`${format.ref.name}/${format.ref.version}:${line}:${rawText}`);
}

export function contentId(text: string): string {
  return hash('sha256', text, 'hex').slice(0, 32);
}

export const kaggleFormat: CsvFormat<KaggleTransaction> = {
  ref: KAGGLE_SCHEMA,
  schema: KaggleTransaction,
  columns: columnsOf(KaggleTransaction),
  // The data set has no transaction id and holds identical rows that are distinct transactions,
  // so the id is the row's text at its line: re-ingesting the file reproduces it exactly.
  identity: { by: 'line' },
};

export const rawFormat: CsvFormat<RawTransaction> = {
  ref: RAW_SCHEMA,
  schema: RawTransaction,
  columns: columnsOf(RawTransaction, ['tx_datetime']),
  identity: { by: 'row', idOf: (row) => contentId(`raw/1:${row.transaction_id}`), keyOf: (row) => row.customer_id },
};

/** Confirmed outcomes arriving later (chargebacks, investigations): they go to the `labels` topic. */
export const labelFormat: CsvFormat<Label> = {
  ref: LABEL_SCHEMA,
  schema: Label,
  columns: columnsOf(Label, ['labelled_at']),
  // One label per transaction and time: a later correction is a new message, the latest wins when read.
  identity: {
    by: 'row',
    idOf: (row) => contentId(`label/1:${row.transaction_id}:${row.labelled_at}`),
    keyOf: (row) => row.transaction_id,
  },
};

export const CSV_FORMATS = [kaggleFormat, rawFormat, labelFormat] as const;
export type AnyCsvFormat = (typeof CSV_FORMATS)[number];

export interface DetectedFormat {
  readonly format: AnyCsvFormat;
  /** For each column of the format, the index of that column in the file (-1 when an optional column is absent). */
  readonly indexOf: readonly number[];
  readonly width: number;
}

function describe(f: AnyCsvFormat): string {
  return `${f.ref.name}: ${f.columns.map((c) => (c.optional ? `[${c.name}]` : c.name)).join(',')}`;
}

/** Picks the format whose required columns the header has, with no column it does not know. */
export function detectFormat(header: readonly string[], file: string): DetectedFormat {
  const names = header.map((h) => h.trim());
  const dupes = names.filter((n, i) => names.indexOf(n) !== i);
  for (const format of CSV_FORMATS) {
    const known = new Set(format.columns.map((c) => c.name));
    const missing = format.columns.filter((c) => !c.optional && !names.includes(c.name)).map((c) => c.name);
    const unexpected = names.filter((n) => !known.has(n));
    if (missing.length === 0 && unexpected.length === 0 && dupes.length === 0) {
      return { format, indexOf: format.columns.map((c) => names.indexOf(c.name)), width: names.length };
    }
  }
  const closest = [...CSV_FORMATS].sort((a, b) => overlap(b, names) - overlap(a, names))[0]!;
  const missing = closest.columns.filter((c) => !c.optional && !names.includes(c.name)).map((c) => c.name);
  const unexpected = names.filter((n) => !closest.columns.some((c) => c.name === n));
  const parts = [
    missing.length ? `missing ${missing.join(',')}` : '',
    unexpected.length ? `unexpected ${unexpected.slice(0, 10).join(',')}` : '',
    dupes.length ? `duplicated ${[...new Set(dupes)].join(',')}` : '',
  ].filter(Boolean);
  throw new FraudflowError(
    'FORMAT_UNKNOWN',
    `${file}: unknown header (${parts.join('; ') || 'no columns'}). Expected one of: ${CSV_FORMATS.map(describe).join(' | ')} ([x] = optional)`,
    { file, header: names.slice(0, 50), closest: closest.ref.name, missing, unexpected: unexpected.slice(0, 50) },
  );
}

function overlap(f: AnyCsvFormat, names: readonly string[]): number {
  return f.columns.filter((c) => names.includes(c.name)).length;
}
