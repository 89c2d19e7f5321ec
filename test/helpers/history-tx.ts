// A simulated raw transaction as retrain's history reader hands it to the fast offline features (OfflineRawFeatures).
import type { RawTx } from '../../shared/features/raw/compute.ts';
import { txEpochMs } from '../../shared/schema/raw.ts';
import type { HistoryTx } from '../../functions/retrain/raw-features.ts';

export function historyTxOf(tx: RawTx): HistoryTx {
  return {
    txId: tx.transaction_id,
    t: txEpochMs(tx.tx_datetime) / 1000,
    customer: tx.customer_id,
    terminal: tx.terminal_id,
    amount: tx.amount,
    label: tx.label ?? null,
  };
}
