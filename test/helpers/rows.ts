// Small hand-made CSV rows in both formats, for tests that need exact, readable inputs.
import { KAGGLE_HEADER } from '../../shared/synth/kaggle.ts';

export const kaggleHeader = KAGGLE_HEADER.join(',');

export function kaggleRow(
  time: number,
  amount: string | number = '10.00',
  klass: string | number = 0,
  v = '0.5',
): string {
  return [String(time), ...Array.from({ length: 28 }, () => v), String(amount), String(klass)].join(',');
}

export const rawHeader = 'transaction_id,tx_datetime,customer_id,terminal_id,amount,label';

export function rawRow(
  id: string,
  at = '2026-04-01T10:00:00Z',
  customer = 'c1',
  terminal = 't1',
  amount: string | number = '12.50',
  label: string | number = '0',
): string {
  return [id, at, customer, terminal, String(amount), String(label)].join(',');
}
