// A consumer of the embedded log: owns partitions by lease (renewed while it polls), reads them fairly, commits what it owns.
import { FraudflowError } from '../../errors.ts';
import type { EmbeddedEventLog } from './embedded.ts';
import type { GroupConsumer, LogRecord, PartitionOffset, PollOptions } from '../port.ts';

export class EmbeddedConsumer implements GroupConsumer {
  private positions = new Map<number, number>();
  private owned = new Set<number>();
  private closed = false;
  private claimedAt = 0;

  constructor(
    private readonly log: EmbeddedEventLog,
    readonly group: string,
    readonly topic: string,
    private readonly owner: string,
  ) {}

  async poll(options: PollOptions): Promise<LogRecord[]> {
    if (this.closed)
      throw new FraudflowError('EVENTLOG_FAILED', 'poll on a closed consumer', {
        group: this.group,
        topic: this.topic,
      });
    const deadline = Date.now() + options.maxWaitMs;
    let wait = 5;
    for (;;) {
      this.refreshOwnership();
      const out = this.readOwned(options.maxRecords);
      if (out.length > 0 || Date.now() >= deadline) return out;
      await new Promise((r) => setTimeout(r, Math.min(wait, Math.max(1, deadline - Date.now()))));
      wait = Math.min(wait * 2, 100);
    }
  }

  async commit(offsets: readonly PartitionOffset[]): Promise<void> {
    if (offsets.length === 0) return;
    this.log.commitOwned(this.group, this.topic, this.owner, offsets);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.log.release(this.group, this.topic, this.owner);
  }

  private refreshOwnership(): void {
    // Renew well before the lease ends, but not on every poll: each claim is a write transaction.
    const t = Date.now();
    if (this.owned.size > 0 && t - this.claimedAt < this.log.leaseMs / 3) return;
    this.claimedAt = t;
    const now = this.log.claim(this.group, this.topic, this.owner);
    const committed = new Map<number, number>();
    if ([...now].some((p) => !this.owned.has(p))) {
      for (const c of this.log.committedNow(this.group, this.topic)) committed.set(c.partition, c.offset);
    }
    for (const p of now) {
      if (!this.owned.has(p)) {
        const row = this.log.partitionRows(this.topic)[p]!;
        this.positions.set(p, Math.max(committed.get(p) ?? 0, row.low_offset));
      }
    }
    for (const p of this.owned) if (!now.has(p)) this.positions.delete(p);
    this.owned = now;
  }

  private readOwned(maxRecords: number): LogRecord[] {
    const out: LogRecord[] = [];
    const rows = this.log.partitionRows(this.topic);
    const owned = [...this.owned].sort((a, b) => a - b);
    // Share the budget across partitions so one hot partition cannot starve the rest.
    const share = Math.max(1, Math.ceil(maxRecords / Math.max(1, owned.length)));
    for (const p of owned) {
      const room = maxRecords - out.length;
      if (room <= 0) break;
      const records = this.log.readPartition(rows[p]!, this.positions.get(p)!, Math.min(share, room), this.topic);
      if (records.length > 0) this.positions.set(p, records[records.length - 1]!.offset + 1);
      out.push(...records);
    }
    return out;
  }
}
