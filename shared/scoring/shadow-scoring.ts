// When the shadow runs: awaited after the champion's verdicts on the stream (so the commit covers it), in the
// background on a share of HTTP calls (so the answer never waits); every failure is logged, never thrown.
import {
  columnMap,
  shadowMessages,
  shadowVerdicts,
  type ShadowHook,
  type ShadowInput,
  type ShadowPorts,
  type RowSpec,
} from './shadow.ts';
import type { ShadowLease } from '../model/shadow.ts';

/** A stable share of calls, by the first transaction id: the same call is sampled the same way on every instance. */
export function sampled(id: string, share: number): boolean {
  if (share >= 1) return true;
  if (share <= 0) return false;
  let h = 0x811c9dc5;
  for (let i = 0; i < id.length; i++) h = Math.imul(h ^ id.charCodeAt(i), 0x01000193);
  return (h >>> 0) / 0x1_0000_0000 < share;
}

export class ShadowScoring {
  private readonly pending = new Set<Promise<void>>();
  private readonly refused = new Set<string>();
  /** Shadow verdicts published, and runs that failed (for tests and the bench). */
  readonly stats = { published: 0, failed: 0 };

  constructor(private readonly ports: ShadowPorts) {}

  /** For the stream: scores and publishes before resolving. */
  readonly stream: ShadowHook = { score: (input) => this.run(input), wants: () => this.spec() };

  /** For HTTP: a share of calls, after the answer has left (the check phase after the response's write). */
  http(share: number): ShadowHook {
    return {
      score: (input) => {
        if (input.txs.length === 0 || !sampled(input.txs[0]!.transaction_id, share)) return Promise.resolve();
        const job = new Promise<void>((resolve) => setImmediate(resolve)).then(() => this.run(input));
        this.pending.add(job);
        void job.finally(() => this.pending.delete(job));
        return Promise.resolve();
      },
      wants: (firstId) => (sampled(firstId, share) ? this.spec() : Promise.resolve(null)),
    };
  }

  /** The challenger's feature spec (null when none is chosen or it cannot be read, a failure counted and logged). */
  private async spec(): Promise<RowSpec | null> {
    try {
      return (await this.ports.source.current())?.manifest.feature_spec ?? null;
    } catch (e) {
      this.failed(e, 0);
      return null;
    }
  }

  private failed(e: unknown, count: number): void {
    this.stats.failed++;
    this.ports.logger.error('shadow: scoring the challenger failed; the champion answered alone', { error: e, count });
  }

  /** Resolves once every background run has finished (close, tests). */
  async drain(): Promise<void> {
    while (this.pending.size) await Promise.all([...this.pending]);
  }

  private async run(input: ShadowInput): Promise<void> {
    let lease: ShadowLease | null = null;
    try {
      // Held until published: a swap meanwhile frees this model only once the run lets go of it.
      lease = await this.ports.source.acquire();
      if (!lease) return;
      const model = lease.model;
      const index = columnMap(model.manifest.feature_spec, input.spec);
      if (!index) {
        // Once per version: a challenger of another feature spec cannot score these rows.
        if (!this.refused.has(model.manifest.version))
          this.ports.logger.warn('shadow: the challenger takes features these rows do not hold; not scored', {
            version: model.manifest.version,
            spec: `${model.manifest.feature_spec.name}/${model.manifest.feature_spec.version}`,
            rows: input.spec.name,
          });
        this.refused.add(model.manifest.version);
        return;
      }
      const verdicts = shadowVerdicts(model, input, index);
      await this.ports.publish(shadowMessages(verdicts, input.source, input.at));
      this.stats.published += verdicts.length;
    } catch (e) {
      this.failed(e, input.txs.length);
    } finally {
      lease?.release();
    }
  }
}
