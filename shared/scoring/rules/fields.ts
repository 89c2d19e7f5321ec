// The fields a rule may test, per transaction format: the transaction's own fields and the features the model sees.
import { RAW_FEATURES } from '../../features/raw/spec.ts';
import { PCA_COLUMNS } from '../../schema/kaggle.ts';

export type FieldKind = 'number' | 'id';

export const RULE_FORMATS = ['raw', 'kaggle'] as const;
export type RuleFormat = (typeof RULE_FORMATS)[number];

/**
 * Raw: the transaction (amount, its customer and terminal, the UTC hour 0-23 and weekday 0 = Sunday of tx_datetime)
 * and every raw feature by its spec name. Kaggle: its columns, and the customer id a score request may carry.
 */
export const RULE_FIELDS: Record<RuleFormat, ReadonlyMap<string, FieldKind>> = {
  raw: new Map<string, FieldKind>([
    ['amount', 'number'],
    ['customer_id', 'id'],
    ['terminal_id', 'id'],
    ['tx_hour', 'number'],
    ['tx_weekday', 'number'],
    ...RAW_FEATURES.names.map((n) => [n, 'number'] as [string, FieldKind]),
  ]),
  kaggle: new Map<string, FieldKind>([
    ['Time', 'number'],
    ...PCA_COLUMNS.map((n) => [n, 'number'] as [string, FieldKind]),
    ['Amount', 'number'],
    ['customer_id', 'id'],
  ]),
};

/** The id fields allow and block lists may name. */
export const LIST_FIELDS = ['customer_id', 'terminal_id'] as const;
export type ListField = (typeof LIST_FIELDS)[number];
