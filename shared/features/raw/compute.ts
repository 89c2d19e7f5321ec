// Computes a raw transaction's features from the state, then records the transaction: one code path, online and offline.
import { txEpochMs } from '../../schema/raw.ts';
import { DELAY_DAYS, WINDOWS_DAYS, RAW_FEATURES } from './spec.ts';
import type { FeatureState, TxEvent } from './state-port.ts';

const DAY = 86_400;
const MAX_WINDOW = WINDOWS_DAYS[WINDOWS_DAYS.length - 1]!;

export interface RawTx {
  readonly transaction_id: string;
  readonly tx_datetime: string;
  readonly customer_id: string;
  readonly terminal_id: string;
  readonly amount: number;
  readonly label?: 0 | 1;
}

/** Features of `tx` from what the state knew before it (its own amount counts in the customer windows), as the handbook defines them. */
export function featuresFrom(
  tx: RawTx,
  t: number,
  customer: readonly TxEvent[],
  terminal: readonly TxEvent[],
): number[] {
  const date = new Date(t * 1000);
  const out: number[] = [
    tx.amount,
    date.getUTCDay() === 0 || date.getUTCDay() === 6 ? 1 : 0,
    date.getUTCHours() <= 6 ? 1 : 0,
  ];
  const cents = Math.round(tx.amount * 100);
  for (const w of WINDOWS_DAYS) {
    let n = 1;
    let sum = cents;
    // Only the past, and never the transaction itself (a re-score of a recorded transaction gives the same features).
    for (const e of customer)
      if (e.t > t - w * DAY && e.t <= t && e.txId !== tx.transaction_id) {
        n++;
        sum += e.amountCents;
      }
    out.push(n, sum / n / 100);
  }
  const delayed = t - DELAY_DAYS * DAY;
  for (const w of WINDOWS_DAYS) {
    let n = 0;
    let frauds = 0;
    for (const e of terminal)
      if (e.t > delayed - w * DAY) {
        n++;
        if (e.label === 1) frauds++;
      }
    out.push(n, n === 0 ? 0 : frauds / n);
  }
  return out;
}

/** Reads the windows from the state, computes, then appends the transaction (with its label when it carries one); appending an id twice records it once. */
export async function computeAndRecord(tx: RawTx, state: FeatureState): Promise<number[]> {
  const t = txEpochMs(tx.tx_datetime) / 1000;
  const customer = await state.customerEvents(tx.customer_id, t - MAX_WINDOW * DAY);
  const terminal = await state.terminalEvents(
    tx.terminal_id,
    t - (DELAY_DAYS + MAX_WINDOW) * DAY,
    t - DELAY_DAYS * DAY,
  );
  const features = featuresFrom(tx, t, customer, terminal);
  await state.append(tx.customer_id, tx.terminal_id, {
    txId: tx.transaction_id,
    t,
    amountCents: Math.round(tx.amount * 100),
    label: tx.label ?? null,
  });
  return features;
}

export const RAW_FEATURE_WIDTH = RAW_FEATURES.names.length;

/** Scoring's side of computeAndRecord: the label a transaction may carry is not seen, and not recorded with it. */
export function scoringFeatures(tx: RawTx, state: FeatureState): Promise<number[]> {
  const { label: _label, ...unlabelled } = tx;
  return computeAndRecord(unlabelled, state);
}
