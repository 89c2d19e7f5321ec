// Reads a zod object schema as a list of typed columns: the one place CSV and table layouts come from.
import { z } from 'zod';
import { declaredBounds, type NumberBounds } from './numbers.ts';

export type { NumberBounds } from './numbers.ts';

export type ColumnKind = 'number' | 'integer' | 'string' | 'datetime' | 'boolean';

export interface Column {
  readonly name: string;
  readonly kind: ColumnKind;
  readonly optional: boolean;
  readonly description?: string;
  /** For numeric columns built by numbers.ts: the bounds they were declared with (else undefined: zod decides). */
  readonly bounds?: NumberBounds;
}

function kindOf(s: z.ZodType): ColumnKind {
  if (s instanceof z.ZodNumber) return s.isInt ? 'integer' : 'number';
  if (s instanceof z.ZodLiteral) return [...s.values].every((v) => Number.isInteger(v)) ? 'integer' : 'string';
  if (s instanceof z.ZodUnion) {
    const kinds = new Set((s.options as z.ZodType[]).map(kindOf));
    return kinds.size === 1 ? [...kinds][0]! : 'string';
  }
  if (s instanceof z.ZodBoolean) return 'boolean';
  if (s instanceof z.ZodString)
    return s.format === 'regex' && /datetime/.test(s.description ?? '') ? 'datetime' : 'string';
  return 'string';
}

/** Columns of an object schema, in declaration order. `datetime` columns are named, or a regex string described as "datetime". */
export function columnsOf(schema: z.ZodObject, datetimeColumns: readonly string[] = []): Column[] {
  return Object.entries(schema.shape).map(([name, field]) => {
    let s = field as z.ZodType;
    let optional = false;
    while (s instanceof z.ZodOptional || s instanceof z.ZodNullable) {
      optional = true;
      s = s.unwrap() as z.ZodType;
    }
    const description = (field as z.ZodType).description ?? s.description;
    const kind = datetimeColumns.includes(name) ? 'datetime' : kindOf(s);
    const bounds = kind === 'number' || kind === 'integer' ? declaredBounds(s) : undefined;
    return {
      name,
      kind,
      optional,
      ...(description === undefined ? {} : { description }),
      ...(bounds ? { bounds } : {}),
    };
  });
}
