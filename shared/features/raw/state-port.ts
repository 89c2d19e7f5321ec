// The feature state port: per customer and per terminal, the recent transactions features are computed from.
//
// Embedded: SQLite in the data directory (sqlite-state.ts) and in memory for batch work (memory-state.ts).
// In the cloud, the same port fits Memorystore (Redis sorted sets per entity, scored by time) or Bigtable
// (row key entity#time); neither is built yet.

export interface TxEvent {
  readonly txId: string;
  /** Epoch seconds. */
  readonly t: number;
  /** Amounts in integer cents: sums are exact, whatever the order they are added in. */
  readonly amountCents: number;
  /** 1 fraud, 0 genuine, null not known yet. */
  readonly label: 0 | 1 | null;
}

export interface FeatureState {
  /** The customer's events with time > `after`, oldest first (insertion order among equal times). */
  customerEvents(customerId: string, after: number): Promise<TxEvent[]>;
  /** The terminal's events with `after` < time <= `upTo`, oldest first. */
  terminalEvents(terminalId: string, after: number, upTo: number): Promise<TxEvent[]>;
  /** Records the event; an event whose txId is already recorded is ignored (redelivery, re-scoring). */
  append(customerId: string, terminalId: string, event: TxEvent): Promise<void>;
  /** A label that arrived after the transaction (chargeback, confirmation). */
  setLabel(txId: string, label: 0 | 1): Promise<void>;
  close(): Promise<void>;
}
