// The rules in force for a scorer: the registry's pointer re-read every few seconds, a version loaded once and kept.
import type { Logger } from '../../logger.ts';
import type { RulesRegistry } from './registry.ts';
import type { RuleSet } from './ruleset.ts';

export interface RulesSource {
  /** The rule set in force, or null when none was ever published. */
  current(): Promise<RuleSet | null>;
}

export class CurrentRules implements RulesSource {
  private loaded: RuleSet | null = null;
  private checkedAt = -Infinity;

  constructor(
    private readonly registry: RulesRegistry,
    private readonly logger: Logger,
    private readonly recheckMs = 5_000,
  ) {}

  /**
   * A registry that cannot be read keeps the version already loaded in force (a block list is not dropped by an
   * outage); a scorer that never loaded one scores without rules until it can, and logs each failed read.
   */
  async current(): Promise<RuleSet | null> {
    const now = Date.now();
    if (now - this.checkedAt < this.recheckMs) return this.loaded;
    try {
      const pointer = await this.registry.pointer();
      if (!pointer) this.loaded = null;
      else if (pointer.version !== this.loaded?.version) this.loaded = await this.registry.load(pointer.version);
      this.checkedAt = now;
    } catch (e) {
      this.logger.error('score: the rules registry could not be read; keeping the rules in force', {
        error: e,
        version: this.loaded?.version ?? null,
      });
    }
    return this.loaded;
  }
}
