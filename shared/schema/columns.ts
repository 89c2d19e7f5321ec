// Reads a zod object schema as a list of typed columns: the one place CSV and table layouts come from.
import type { z } from 'zod';

export type ColumnKind = 'number' | 'integer' | 'string' | 'datetime' | 'boolean';

export interface NumberBounds {
  readonly min?: { value: number; inclusive: boolean };
  readonly max?: { value: number; inclusive: boolean };
  readonly integer: boolean;
  /** When the schema is a set of literals: the allowed values. */
  readonly values?: readonly number[];
}

export interface Column {
  readonly name: string;
  readonly kind: ColumnKind;
  readonly optional: boolean;
  readonly description?: string;
  /** For numeric columns: every constraint of the schema, when all of them could be read (else undefined). */
  readonly bounds?: NumberBounds;
}

interface CheckDef {
  check?: string;
  format?: string;
  value?: number;
  inclusive?: boolean;
}
interface DefLike {
  type: string;
  innerType?: SchemaLike;
  options?: SchemaLike[];
  values?: unknown[];
  checks?: Array<{ _zod?: { def?: CheckDef } }>;
  format?: string;
}
interface SchemaLike {
  def: DefLike;
  description?: string;
}

function kindOf(s: SchemaLike): ColumnKind {
  const def = s.def;
  switch (def.type) {
    case 'number': {
      const isInt = def.format === 'safeint' || (def.checks ?? []).some((c) => c._zod?.def?.format === 'safeint');
      return isInt ? 'integer' : 'number';
    }
    case 'literal':
      return (def.values ?? []).every((v) => Number.isInteger(v)) ? 'integer' : 'string';
    case 'union': {
      const kinds = new Set((def.options ?? []).map(kindOf));
      return kinds.size === 1 ? [...kinds][0]! : 'string';
    }
    case 'boolean':
      return 'boolean';
    case 'string':
      return (def.checks ?? []).some((c) => c._zod?.def?.format === 'regex') && /datetime/.test(s.description ?? '')
        ? 'datetime'
        : 'string';
    default:
      return 'string';
  }
}

/** The constraints of a numeric schema, or undefined when it has one this reader does not know (a refine, say). */
export function numberBounds(s: SchemaLike): NumberBounds | undefined {
  const def = s.def;
  if (def.type === 'union' || def.type === 'literal') {
    const parts = def.type === 'union' ? (def.options ?? []) : [s];
    const values: number[] = [];
    for (const p of parts) {
      if (p.def.type !== 'literal' || !(p.def.values ?? []).every((v) => typeof v === 'number')) return undefined;
      values.push(...(p.def.values as number[]));
    }
    return { integer: values.every(Number.isInteger), values };
  }
  if (def.type !== 'number') return undefined;
  let min: NumberBounds['min'];
  let max: NumberBounds['max'];
  let integer = def.format === 'safeint';
  for (const c of def.checks ?? []) {
    const d = c._zod?.def;
    if (d?.check === 'greater_than' && typeof d.value === 'number')
      min = { value: d.value, inclusive: d.inclusive ?? false };
    else if (d?.check === 'less_than' && typeof d.value === 'number')
      max = { value: d.value, inclusive: d.inclusive ?? false };
    else if (d?.check === 'number_format' && d.format === 'safeint') integer = true;
    else return undefined;
  }
  return { integer, ...(min ? { min } : {}), ...(max ? { max } : {}) };
}

/** Columns of an object schema, in declaration order. `datetime` columns are marked by `.meta`/description "datetime". */
export function columnsOf(schema: z.ZodObject, datetimeColumns: readonly string[] = []): Column[] {
  return Object.entries(schema.shape).map(([name, field]) => {
    let s = field as unknown as SchemaLike;
    let optional = false;
    while (s.def.type === 'optional' || s.def.type === 'nullable') {
      optional = true;
      s = s.def.innerType!;
    }
    const description = (field as unknown as SchemaLike).description ?? s.description;
    const kind = datetimeColumns.includes(name) ? 'datetime' : kindOf(s);
    const bounds = kind === 'number' || kind === 'integer' ? numberBounds(s) : undefined;
    return {
      name,
      kind,
      optional,
      ...(description === undefined ? {} : { description }),
      ...(bounds ? { bounds } : {}),
    };
  });
}
