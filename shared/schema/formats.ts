// The uploadable CSV formats, and the detection of a file's format from its header.
import { hash } from 'node:crypto';
import type { z } from 'zod';
import { FraudflowError } from '../errors.ts';
import { columnsOf, type Column } from './columns.ts';
import { KAGGLE_SCHEMA, KaggleTransaction } from './kaggle.ts';
import { RAW_SCHEMA, RawTransaction } from './raw.ts';
import { LABEL_SCHEMA, Label } from './label.ts';
import type { SchemaRef } from './envelope.ts';
import { duplicatedNames, matchColumns, type ColumnMap } from './header.ts';

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

/**
 * Picks the format whose required columns the header holds (any case, a synonym, or as the user's map says), the
 * one holding most of its columns when several do. Other columns are ignored (they stay in a dead letter's text).
 */
export function detectFormat(header: readonly string[], file: string, map: ColumnMap = {}): DetectedFormat {
  const names = header.map((h) => h.trim());
  const dupes = duplicatedNames(names);
  if (dupes.length)
    throw new FraudflowError('FORMAT_UNKNOWN', `${file}: the header names ${dupes.join(',')} more than once`, {
      file,
      duplicated: dupes,
    });
  checkMap(map, names, file);
  const matches = CSV_FORMATS.map((format) => {
    const indexOf = matchColumns(
      names,
      format.columns.map((c) => c.name),
      map,
    );
    const missing = format.columns.filter((c, k) => !c.optional && indexOf[k]! < 0).map((c) => c.name);
    return { format, indexOf, missing, shared: indexOf.filter((i) => i >= 0).length };
  });
  const byShared = [...matches].sort((a, b) => b.shared - a.shared);
  const best = byShared.find((m) => m.missing.length === 0);
  if (best) return { format: best.format, indexOf: best.indexOf, width: names.length };
  const closest = byShared[0]!;
  const ignored = names.filter((_, i) => !closest.indexOf.includes(i));
  throw new FraudflowError(
    'FORMAT_UNKNOWN',
    `${file}: unknown header; closest is ${closest.format.ref.name} (${closest.shared} of its columns found), ` +
      `missing ${closest.missing.join(',')}${ignored.length ? `; not used: ${ignored.slice(0, 10).join(',')}` : ''}. ` +
      `Expected one of: ${CSV_FORMATS.map(describe).join(' | ')} ([x] = optional; any case; ` +
      `map other names with --map column=HEADER)`,
    { file, header: names.slice(0, 50), closest: closest.format.ref.name, missing: closest.missing },
  );
}

/** A map may only name columns some format has, and headers the file has. */
function checkMap(map: ColumnMap, names: readonly string[], file: string): void {
  const columns = new Set(CSV_FORMATS.flatMap((f) => f.columns.map((c) => c.name)));
  const lower = names.map((n) => n.toLowerCase());
  for (const [column, headerName] of Object.entries(map)) {
    if (!columns.has(column))
      throw new FraudflowError('INPUT_INVALID', `column map: ${column} is not a column of any format`, {
        file,
        column,
      });
    if (!lower.includes(headerName.trim().toLowerCase()))
      throw new FraudflowError(
        'FORMAT_UNKNOWN',
        `${file}: the column map says ${column}=${headerName}, but the header has no ${headerName}`,
        {
          file,
          column,
          header: names.slice(0, 50),
        },
      );
  }
}
