// A feature state that forwards every call to a real one and records each read-and-record: the windows it returned,
// and where its call started and ended in one sequence shared by all recorders (what ran surely before what).
import type { FeatureState, FeatureWindows, TxEvent, WindowsQuery } from '../../shared/features/raw/port.ts';

export interface RecordedRead {
  readonly txId: string;
  readonly customerId: string;
  readonly terminalId: string;
  /** Epoch seconds, as the transaction carried it. */
  readonly t: number;
  /** Sequence numbers: a read whose `end` is before another's `start` ran before it in the state. */
  readonly start: number;
  readonly end: number;
  readonly windows: FeatureWindows;
}

/** Shared by the recorders of one test: the sequence and every read, in the order they ended. */
export interface ReadLog {
  seq: number;
  readonly reads: RecordedRead[];
}

export const readLog = (): ReadLog => ({ seq: 0, reads: [] });

export class RecordingFeatureState implements FeatureState {
  constructor(
    private readonly inner: FeatureState,
    private readonly log: ReadLog,
  ) {}

  windows(query: WindowsQuery): Promise<FeatureWindows> {
    return this.inner.windows(query);
  }

  async windowsThenAppend(customerId: string, terminalId: string, event: TxEvent): Promise<FeatureWindows> {
    const start = ++this.log.seq;
    const windows = await this.inner.windowsThenAppend(customerId, terminalId, event);
    this.log.reads.push({ txId: event.txId, customerId, terminalId, t: event.t, start, end: ++this.log.seq, windows });
    return windows;
  }

  append(customer: string, terminal: string, event: TxEvent): Promise<void> {
    return this.inner.append(customer, terminal, event);
  }

  setLabel(txId: string, label: 0 | 1): Promise<void> {
    return this.inner.setLabel(txId, label);
  }

  keptEvents(kind: 'customer' | 'terminal', id: string): Promise<number> {
    return this.inner.keptEvents(kind, id);
  }

  close(): Promise<void> {
    return this.inner.close();
  }
}
