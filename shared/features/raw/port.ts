// The feature state port: per customer and per terminal, the window aggregates features are computed from.
//
// Embedded: SQLite in the data directory (sqlite-state.ts) and in memory for batch work (memory-state.ts).
// Shared between instances: Redis / Memorystore / Valkey (redis-state.ts), aggregates kept so a read stays bounded.

export interface TxEvent {
  readonly txId: string;
  /** Epoch seconds (millisecond precision: every state compares times as integer milliseconds). */
  readonly t: number;
  /** Amounts in integer cents: sums are exact, whatever the order they are added in. */
  readonly amountCents: number;
  /** 1 fraud, 0 genuine, null not known yet. */
  readonly label: 0 | 1 | null;
}

/** One window of the customer: events with time in (t - w days, t], the transaction itself left out. */
export interface CustomerWindow {
  readonly count: number;
  readonly cents: number;
}

/** One window of the terminal: events with time in (t - delay - w days, t - delay], labels as known now. */
export interface TerminalWindow {
  readonly count: number;
  readonly frauds: number;
}

/**
 * What feature spec v2 adds, all inside the customer's widest window (t - 30 days, t] and the transaction itself left
 * out: every read stays as bounded as the v1 windows (no scan beyond the retained 30 days of one customer or terminal).
 */
export interface ExtraWindows {
  /** Time in integer ms of the customer's newest event in the window; null when there is none. */
  readonly previousMs: number | null;
  /** The customer's events at this terminal in the window. */
  readonly customerAtTerminal: number;
  /** The terminal's events in (t - w days, t] for w of `RECENT_DAYS`: counts need no label, so no delay. */
  readonly terminalRecent: readonly number[];
}

/** What a transaction's features need from the state, one entry per window of `WINDOWS_DAYS`, in that order. */
export interface FeatureWindows {
  readonly customer: readonly CustomerWindow[];
  readonly terminal: readonly TerminalWindow[];
  /** Present when the read asked for it (`extra: true`): the v2 aggregates. */
  readonly extra?: ExtraWindows;
}

/** Whose windows, at which time; `txId` is the transaction's own id, never counted on the customer side. */
export interface WindowsQuery {
  readonly customerId: string;
  readonly terminalId: string;
  readonly txId: string;
  /** Epoch seconds. */
  readonly t: number;
  /** Also read the v2 aggregates (`FeatureWindows.extra`). */
  readonly extra?: boolean;
}

export interface FeatureState {
  /** The windows from what is recorded now. */
  windows(query: WindowsQuery): Promise<FeatureWindows>;
  /**
   * In one atomic step: the windows as `windows` gives them, then the event recorded. An event whose txId is
   * already recorded is not recorded again (redelivery, retried call, re-scoring), whoever recorded it.
   */
  windowsThenAppend(customerId: string, terminalId: string, event: TxEvent, extra?: boolean): Promise<FeatureWindows>;
  /** Records the event once per txId (as `windowsThenAppend` does). */
  append(customerId: string, terminalId: string, event: TxEvent): Promise<void>;
  /** A label that arrived after the transaction (chargeback, confirmation); applying it again changes nothing. */
  setLabel(txId: string, label: 0 | 1): Promise<void>;
  /** How many events the state keeps for one entity (retention checks and operations). */
  keptEvents(kind: 'customer' | 'terminal', id: string): Promise<number>;
  close(): Promise<void>;
}

/** Options every state takes: how long it keeps events, and the wall clock that tells which events are in the future. */
export interface RetentionOptions {
  /** An entity's events older than this behind its newest (non-future) event are dropped; default STATE_KEEP_SECONDS. */
  readonly keepSeconds?: number;
  /** Wall clock in epoch seconds (a port, so tests pass their own); default Date.now() / 1000. */
  readonly clock?: () => number;
}
