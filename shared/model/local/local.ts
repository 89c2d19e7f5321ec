// The local model endpoint: the registry's champion in-process (a tf.js network or a GBDT forest), swapped when the pointer changes.
import { FraudflowError } from '../../errors.ts';
import type { ModelManifest } from '../../schema/model-manifest.ts';
import type { ModelRegistry } from '../registry/port.ts';
import { checkWidth, scorerOf, type AnyModel, type Scorer } from '../scorer.ts';
import type { ModelEndpoint, Prediction, Reasons } from '../port.ts';

export class LocalModelEndpoint implements ModelEndpoint {
  readonly kind = 'local';
  private loaded: { version: string; model: AnyModel; manifest: ModelManifest; scorer: Scorer } | null = null;
  private checkedAt = 0;
  private checking: Promise<{ model: AnyModel; manifest: ModelManifest; scorer: Scorer }> | null = null;

  constructor(
    private readonly registry: ModelRegistry,
    private readonly recheckMs = 5_000,
  ) {}

  async manifest(): Promise<ModelManifest> {
    return (await this.current()).manifest;
  }

  async predict(rows: Float32Array, width: number): Promise<Prediction> {
    const { manifest, scorer } = await this.current();
    checkWidth(manifest, width);
    return { scores: scorer.predict(rows), manifest };
  }

  async explain(rows: Float32Array, width: number, top: number): Promise<Reasons[]> {
    const { manifest, scorer } = await this.current();
    checkWidth(manifest, width);
    return scorer.explain(rows, top);
  }

  /**
   * The champion, loaded once and swapped in when the pointer changes; requests in flight keep the model they started
   * with. Requests that arrive while it is being checked or loaded wait for that one check (not a load each).
   */
  private async current(): Promise<{ model: AnyModel; manifest: ModelManifest; scorer: Scorer }> {
    if (this.loaded && Date.now() - this.checkedAt < this.recheckMs) return this.loaded;
    return (this.checking ??= this.check().finally(() => (this.checking = null)));
  }

  private async check(): Promise<{ model: AnyModel; manifest: ModelManifest; scorer: Scorer }> {
    this.checkedAt = Date.now();
    const pointer = await this.registry.champion();
    if (!pointer)
      throw new FraudflowError(
        'MODEL_UNAVAILABLE',
        'no champion model yet: run fraudflow retrain first',
        {},
        { retriable: false },
      );
    if (this.loaded?.version !== pointer.version) {
      const { model, manifest } = await this.registry.loadAny(pointer.version);
      const previous = this.loaded;
      this.loaded = { version: pointer.version, model, manifest, scorer: scorerOf(model, manifest) };
      // Safe to free now: every caller scores synchronously right after current() resolves, so none still holds it.
      previous?.model.dispose();
    }
    return this.loaded;
  }
}
