// Loads the warehouse's recent raw history into the online feature state, so live transactions meet the windows training saw.
import type { FeatureState } from '../../shared/features/raw/port.ts';
import type { Warehouse } from '../../shared/warehouse/port.ts';
import { txEvent, type RawTx } from '../../shared/features/raw/compute.ts';

export interface Backfill {
  readonly recorded: number;
  readonly from: string;
  readonly elapsed_ms: number;
}

/**
 * Every raw transaction since `from` (YYYY-MM-DD) is recorded in time order with the label it came with: the
 * labelled history is trusted, as score-stream trusts an upload. Recording an id twice records it once.
 */
export async function backfillState(w: Warehouse, state: FeatureState, from: string): Promise<Backfill> {
  const started = performance.now();
  const d = w.dialect;
  const iso = d.formatTimestamp('t.tx_datetime', '%Y-%m-%dT%H:%M:%SZ');
  let recorded = 0;
  const sql = `SELECT t.transaction_id, ${iso} AS at, t.customer_id, t.terminal_id, t.${d.ident('Amount')} AS amount,
      CAST(t.label AS INTEGER) AS label
    FROM transactions t WHERE t.schema_name = 'raw' AND t.tx_datetime >= TIMESTAMP '${from} 00:00:00'
    ORDER BY t.tx_datetime, t.source_line, t.id`;
  for await (const page of w.query(sql)) {
    for (const r of page) {
      const tx: RawTx = {
        transaction_id: String(r.transaction_id),
        tx_datetime: String(r.at),
        customer_id: String(r.customer_id),
        terminal_id: String(r.terminal_id),
        amount: Number(r.amount),
        ...(r.label === null || r.label === undefined ? {} : { label: Number(r.label) as 0 | 1 }),
      };
      await state.append(tx.customer_id, tx.terminal_id, txEvent(tx));
      recorded++;
    }
  }
  return { recorded, from, elapsed_ms: Math.round(performance.now() - started) };
}
