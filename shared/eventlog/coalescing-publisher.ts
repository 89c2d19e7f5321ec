// Group commit for many small concurrent produces to one topic (an HTTP instance publishing a verdict per request):
// what callers hand over while a produce is under way goes out together in the next one, and each caller's promise
// settles with the produce that carried its messages. Nothing is acknowledged before the log acknowledged it.
import type { EventLog, OutgoingMessage } from './port.ts';

interface Waiting {
  readonly messages: readonly OutgoingMessage[];
  readonly resolve: () => void;
  readonly reject: (e: unknown) => void;
}

export interface PublisherStats {
  /** Calls to publish, and produce calls made for them. */
  readonly calls: number;
  readonly produces: number;
}

export class CoalescingPublisher {
  private queue: Waiting[] = [];
  private flushing = false;
  private calls = 0;
  private produces = 0;

  /** `maxBatch`: messages per produce at most (the rest waits for the next one). */
  constructor(
    private readonly log: EventLog,
    private readonly topic: string,
    private readonly maxBatch = 5_000,
  ) {}

  /** Resolves once the messages are durably in the topic; rejects with the produce's error (nothing half-acknowledged). */
  publish(messages: readonly OutgoingMessage[]): Promise<void> {
    if (messages.length === 0) return Promise.resolve();
    this.calls++;
    return new Promise<void>((resolve, reject) => {
      this.queue.push({ messages, resolve, reject });
      if (!this.flushing) {
        this.flushing = true;
        // After the current I/O phase: requests parsed in the same turn of the event loop share the produce.
        setImmediate(() => void this.flush());
      }
    });
  }

  stats(): PublisherStats {
    return { calls: this.calls, produces: this.produces };
  }

  private async flush(): Promise<void> {
    while (this.queue.length > 0) {
      const batch: Waiting[] = [];
      let size = 0;
      while (this.queue.length > 0 && (batch.length === 0 || size + this.queue[0]!.messages.length <= this.maxBatch)) {
        const next = this.queue.shift()!;
        batch.push(next);
        size += next.messages.length;
      }
      this.produces++;
      try {
        await this.log.produce(
          this.topic,
          batch.flatMap((w) => w.messages),
        );
        for (const w of batch) w.resolve();
      } catch (e) {
        for (const w of batch) w.reject(e);
      }
    }
    this.flushing = false;
  }
}
