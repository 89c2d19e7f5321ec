// Which version runs as the shadow challenger beside the champion, loaded in-process and swapped as the registry changes.
import type { ShadowChoice } from '../config.ts';
import type { ChampionPointer, ModelManifest } from '../schema/model-manifest.ts';
import type { ModelRegistry } from './registry/port.ts';
import { scorerOf, type AnyModel, type Scorer } from './scorer.ts';

export interface ShadowModel {
  readonly manifest: ModelManifest;
  readonly scorer: Scorer;
}

/** Where the shadow scorer gets its model: null when no version is chosen (or it is the champion). */
export interface ShadowSource {
  current(): Promise<ShadowModel | null>;
}

/**
 * `auto`: the newest version trained after the champion that retraining did not promote and that never served as
 * champion; null when the champion is the newest version.
 */
export function autoShadowVersion(list: readonly ModelManifest[], pointer: ChampionPointer | null): string | null {
  const served = new Set<string>([
    ...(pointer ? [pointer.version] : []),
    ...(pointer?.history ?? []).map((h) => h.version),
  ]);
  const championAt = pointer ? list.findIndex((m) => m.version === pointer.version) : -1;
  for (let i = list.length - 1; i > championAt; i--) {
    const m = list[i]!;
    if (!served.has(m.version) && m.promotion?.promoted !== true) return m.version;
  }
  return null;
}

/** The chosen version, re-resolved at most every `recheckMs`; the champion itself is never its own shadow. */
export class RegistryShadowSource implements ShadowSource {
  private loaded: { version: string; model: AnyModel; shadow: ShadowModel } | null = null;
  private checkedAt = 0;
  private resolving: Promise<ShadowModel | null> | null = null;

  constructor(
    private readonly registry: ModelRegistry,
    private readonly choice: ShadowChoice,
    private readonly recheckMs = 5_000,
  ) {}

  current(): Promise<ShadowModel | null> {
    if (this.choice.kind === 'off') return Promise.resolve(null);
    if (Date.now() - this.checkedAt < this.recheckMs) return Promise.resolve(this.loaded?.shadow ?? null);
    // Concurrent callers share one resolution (a registry listing reads every manifest).
    return (this.resolving ??= this.resolve().finally(() => (this.resolving = null)));
  }

  private async resolve(): Promise<ShadowModel | null> {
    const pointer = await this.registry.champion();
    const version =
      this.choice.kind === 'version' ? this.choice.version : autoShadowVersion(await this.registry.list(), pointer);
    this.checkedAt = Date.now();
    if (!version || version === pointer?.version) {
      this.swap(null);
      return null;
    }
    if (this.loaded?.version !== version) {
      const { model, manifest } = await this.registry.loadAny(version);
      this.swap({ version, model, shadow: { manifest, scorer: scorerOf(model, manifest) } });
    }
    return this.loaded!.shadow;
  }

  private swap(next: { version: string; model: AnyModel; shadow: ShadowModel } | null): void {
    const previous = this.loaded;
    this.loaded = next;
    // Callers score synchronously right after current() resolves, so none still holds the previous model.
    if (previous && previous.version !== next?.version) previous.model.dispose();
  }
}
