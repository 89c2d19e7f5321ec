// The local model endpoint: the registry's champion in-process (a tf.js network or a GBDT forest), swapped when the pointer changes.
import { FraudflowError } from '../../errors.ts';
import type { ModelManifest } from '../../schema/model-manifest.ts';
import type { ModelRegistry } from '../registry/port.ts';
import { checkWidth, scorerOf, type AnyModel, type Scorer } from '../scorer.ts';
import type { ModelEndpoint, ModelHold, Prediction, Reasons } from '../port.ts';

/** A loaded version, with the holds on it; once replaced (retired) it is freed when the last hold is released. */
interface Loaded {
  readonly version: string;
  readonly model: AnyModel;
  readonly manifest: ModelManifest;
  readonly scorer: Scorer;
  holds: number;
  retired: boolean;
}

export class LocalModelEndpoint implements ModelEndpoint {
  readonly kind = 'local';
  private loaded: Loaded | null = null;
  private checkedAt = 0;
  private checking: Promise<void> | null = null;

  constructor(
    private readonly registry: ModelRegistry,
    private readonly recheckMs = 5_000,
  ) {}

  async manifest(): Promise<ModelManifest> {
    return (await this.current()).manifest;
  }

  async predict(rows: Float32Array, width: number): Promise<Prediction> {
    const held = await this.hold();
    try {
      return await held.predict(rows, width);
    } finally {
      held.release();
    }
  }

  async explain(rows: Float32Array, width: number, top: number): Promise<Reasons[]> {
    const held = await this.hold();
    try {
      return await held.explain(rows, width, top);
    } finally {
      held.release();
    }
  }

  /** The champion now, pinned: a swap meanwhile frees it only after `release()`. */
  async hold(): Promise<ModelHold> {
    const entry = await this.acquire();
    let released = false;
    return pinned(entry, () => {
      if (released) return;
      released = true;
      if (--entry.holds === 0 && entry.retired) entry.model.dispose();
    });
  }

  /**
   * The champion, loaded once and swapped in when the pointer changes. Requests that arrive while it is being checked
   * or loaded wait for that one check (not a load each).
   */
  private async fresh(): Promise<void> {
    if (!this.loaded || Date.now() - this.checkedAt >= this.recheckMs)
      await (this.checking ??= this.check().finally(() => (this.checking = null)));
  }

  private async current(): Promise<Loaded> {
    await this.fresh();
    return this.loaded!;
  }

  /** The live entry with its hold count raised in the same turn as the read: the live model is never freed. */
  private async acquire(): Promise<Loaded> {
    await this.fresh();
    const entry = this.loaded!;
    entry.holds++;
    return entry;
  }

  private async check(): Promise<void> {
    this.checkedAt = Date.now();
    const pointer = await this.registry.champion();
    if (!pointer)
      throw new FraudflowError(
        'MODEL_UNAVAILABLE',
        'no champion model yet: run fraudflow retrain first',
        {},
        { retriable: false },
      );
    if (this.loaded?.version === pointer.version) return;
    const { model, manifest } = await this.registry.loadAny(pointer.version);
    const previous = this.loaded;
    const scorer = scorerOf(model, manifest);
    this.loaded = { version: pointer.version, model, manifest, scorer, holds: 0, retired: false };
    if (previous) {
      previous.retired = true;
      if (previous.holds === 0) previous.model.dispose();
    }
  }
}

/** The calls of one loaded version; a hold taken on it pins the same version and releases nothing. */
function pinned(entry: Loaded, release: () => void): ModelHold {
  const { manifest, scorer } = entry;
  const held: ModelHold = {
    kind: 'local',
    manifest: () => Promise.resolve(manifest),
    predict: async (rows, width) => {
      checkWidth(manifest, width);
      return { scores: scorer.predict(rows), manifest };
    },
    explain: async (rows, width, top) => {
      checkWidth(manifest, width);
      return scorer.explain(rows, top);
    },
    hold: () => Promise.resolve(pinned(entry, () => {})),
    release,
  };
  return held;
}
