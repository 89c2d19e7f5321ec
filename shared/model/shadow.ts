// Which version runs as the shadow challenger beside the champion, loaded in-process and swapped as the registry changes.
import type { ShadowChoice } from '../config.ts';
import type { ChampionPointer, ModelManifest } from '../schema/model-manifest.ts';
import type { ModelRegistry } from './registry/port.ts';
import { scorerOf, type AnyModel, type Scorer } from './scorer.ts';

export interface ShadowModel {
  readonly manifest: ModelManifest;
  readonly scorer: Scorer;
}

/** A hold on the shadow model: a swap frees it only once every holder has released it. */
export interface ShadowLease {
  readonly model: ShadowModel;
  /** Idempotent: a second call changes nothing. */
  release(): void;
}

/** Where the shadow scorer gets its model: null when no version is chosen (or it is the champion). */
export interface ShadowSource {
  /** The chosen model, to read its manifest (its feature spec); score through acquire(). */
  current(): Promise<ShadowModel | null>;
  /** The chosen model, held until the lease is released. */
  acquire(): Promise<ShadowLease | null>;
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

interface Loaded {
  readonly version: string;
  readonly model: AnyModel;
  readonly shadow: ShadowModel;
  holders: number;
  retired: boolean;
}

/**
 * The chosen version. Every `recheckMs` one small read of the registry's revision; only when it changed (a version
 * saved, the champion moved) is the choice resolved again (the pointer, and for `auto` the listing of manifests).
 */
export class RegistryShadowSource implements ShadowSource {
  private loaded: Loaded | null = null;
  private checkedAt = -Infinity;
  private seen: { revision: string | null } | null = null;
  private resolving: Promise<void> | null = null;

  constructor(
    private readonly registry: ModelRegistry,
    private readonly choice: ShadowChoice,
    private readonly recheckMs = 5_000,
  ) {}

  async current(): Promise<ShadowModel | null> {
    await this.refresh();
    return this.loaded?.shadow ?? null;
  }

  async acquire(): Promise<ShadowLease | null> {
    await this.refresh();
    const held = this.loaded;
    if (!held) return null;
    held.holders++;
    let released = false;
    return {
      model: held.shadow,
      release: () => {
        if (released) return;
        released = true;
        held.holders--;
        this.disposeIfDone(held);
      },
    };
  }

  private refresh(): Promise<void> {
    if (this.choice.kind === 'off' || Date.now() - this.checkedAt < this.recheckMs) return Promise.resolve();
    // Concurrent callers share one check.
    return (this.resolving ??= this.check().finally(() => (this.resolving = null)));
  }

  private async check(): Promise<void> {
    const revision = await this.registry.revision();
    // A failed resolution (a version that cannot load) is retried at the next interval, not on every call.
    this.checkedAt = Date.now();
    // A registry without a revision object (written by an older build) is resolved once, then followed by the token.
    if (this.seen && this.seen.revision === revision) return;
    await this.resolve();
    this.seen = { revision };
  }

  private async resolve(): Promise<void> {
    const pointer = await this.registry.champion();
    const version =
      this.choice.kind === 'version' ? this.choice.version : autoShadowVersion(await this.registry.list(), pointer);
    if (!version || version === pointer?.version) return this.swap(null);
    if (this.loaded?.version === version) return;
    const { model, manifest } = await this.registry.loadAny(version);
    this.swap({ version, model, shadow: { manifest, scorer: scorerOf(model, manifest) }, holders: 0, retired: false });
  }

  private swap(next: Loaded | null): void {
    const previous = this.loaded;
    this.loaded = next;
    if (!previous || previous === next) return;
    previous.retired = true;
    this.disposeIfDone(previous);
  }

  /** A retired model is freed once no scoring holds it: a swap during an in-flight run waits for its release. */
  private disposeIfDone(l: Loaded): void {
    if (l.retired && l.holders === 0) l.model.dispose();
  }
}
