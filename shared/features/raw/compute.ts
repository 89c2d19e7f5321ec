// Computes a raw transaction's features from the state, then records the transaction: one code path, online and offline.
import { txEpochMs } from '../../schema/raw.ts';
import { RAW_FEATURES } from './spec.ts';
import type { FeatureState, FeatureWindows, TxEvent } from './state-port.ts';
import { aggregate, toMs } from './windows.ts';

export interface RawTx {
  readonly transaction_id: string;
  readonly tx_datetime: string;
  readonly customer_id: string;
  readonly terminal_id: string;
  readonly amount: number;
  readonly label?: 0 | 1;
}

/** Features of `tx` from the windows the state gave (its own amount counts in the customer windows), as the handbook defines them. */
export function featuresFromWindows(tx: RawTx, t: number, windows: FeatureWindows): number[] {
  const date = new Date(t * 1000);
  const out: number[] = [
    tx.amount,
    date.getUTCDay() === 0 || date.getUTCDay() === 6 ? 1 : 0,
    date.getUTCHours() <= 6 ? 1 : 0,
  ];
  const cents = Math.round(tx.amount * 100);
  for (const w of windows.customer) {
    const n = 1 + w.count;
    out.push(n, (cents + w.cents) / n / 100);
  }
  for (const w of windows.terminal) out.push(w.count, w.count === 0 ? 0 : w.frauds / w.count);
  return out;
}

/** Features of `tx` from event lists (what the state knew before it): the windows aggregated the reference way. */
export function featuresFrom(
  tx: RawTx,
  t: number,
  customer: readonly TxEvent[],
  terminal: readonly TxEvent[],
): number[] {
  return featuresFromWindows(tx, t, aggregate(toMs(t), tx.transaction_id, customer, terminal));
}

/** Reads the windows and appends the transaction (with its label when it carries one) in one atomic step of the state; appending an id twice records it once. */
export async function computeAndRecord(tx: RawTx, state: FeatureState): Promise<number[]> {
  const t = txEpochMs(tx.tx_datetime) / 1000;
  const windows = await state.windowsThenAppend(tx.customer_id, tx.terminal_id, {
    txId: tx.transaction_id,
    t,
    amountCents: Math.round(tx.amount * 100),
    label: tx.label ?? null,
  });
  return featuresFromWindows(tx, t, windows);
}

export const RAW_FEATURE_WIDTH = RAW_FEATURES.names.length;

/** Scoring's side of computeAndRecord: the label a transaction may carry is not seen, and not recorded with it. */
export function scoringFeatures(tx: RawTx, state: FeatureState): Promise<number[]> {
  const { label: _label, ...unlabelled } = tx;
  return computeAndRecord(unlabelled, state);
}
