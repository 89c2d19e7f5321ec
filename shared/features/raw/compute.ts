// Computes a raw transaction's features from the state, then records the transaction: one code path, online and offline.
import { txEpochMs } from '../../schema/raw.ts';
import { RAW_FEATURES, type RawFeatureSpec } from './spec.ts';
import type { FeatureState, FeatureWindows, TxEvent } from './port.ts';
import { aggregate, toMs } from './windows.ts';
import { featuresOfSpec, readsExtra } from './versions.ts';

export interface RawTx {
  readonly transaction_id: string;
  readonly tx_datetime: string;
  readonly customer_id: string;
  readonly terminal_id: string;
  readonly amount: number;
  readonly label?: 0 | 1;
}

/** Features of `tx` from the windows the state gave (its own amount counts in the customer windows), as the handbook defines them. */
export function featuresFromWindows(tx: Pick<RawTx, 'amount'>, t: number, windows: FeatureWindows): number[] {
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

/**
 * Reads the windows and appends the transaction (with its label when it carries one) in one atomic step of the state;
 * appending an id twice records it once. The features are those of `spec` (v1 by default; v2 and v3 add to v1's,
 * and only v2 reads the state's v2 aggregates).
 */
export async function computeAndRecord(
  tx: RawTx,
  state: FeatureState,
  spec: RawFeatureSpec = RAW_FEATURES,
): Promise<number[]> {
  const event = txEvent(tx);
  const windows = await state.windowsThenAppend(tx.customer_id, tx.terminal_id, event, readsExtra(spec));
  return featuresOfSpec(spec, featuresFromWindows(tx, event.t, windows), toMs(event.t), windows.extra);
}

/** What the state records of a transaction: its id, time in seconds, amount in cents and the label it carries. */
export function txEvent(tx: RawTx): TxEvent {
  return {
    txId: tx.transaction_id,
    t: txEpochMs(tx.tx_datetime) / 1000,
    amountCents: Math.round(tx.amount * 100),
    label: tx.label ?? null,
  };
}

export const RAW_FEATURE_WIDTH = RAW_FEATURES.names.length;

/**
 * Scoring's side of computeAndRecord. A transaction's own label never reaches its own features (its terminal windows
 * end a label delay before it). Whether the label it carries is recorded for later transactions depends on who sent
 * it: an ingested upload is a trusted history (recorded, as offline features count it), an HTTP caller is not (a
 * caller could otherwise mark a terminal's transactions as fraud and move its risk).
 */
export function scoringFeatures(
  tx: RawTx,
  state: FeatureState,
  options: { recordLabel: boolean; spec?: RawFeatureSpec } = { recordLabel: false },
): Promise<number[]> {
  if (options.recordLabel) return computeAndRecord(tx, state, options.spec);
  const { label: _label, ...unlabelled } = tx;
  return computeAndRecord(unlabelled, state, options.spec);
}
