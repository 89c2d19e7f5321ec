// The model registry on the object store: versions (weights, manifest) and an atomic champion pointer with its history.
import type * as tf from '../../tf.ts';
import { FraudflowError, isFraudflowError } from '../../../errors.ts';
import type { ObjectStore } from '../../../objectstore/port.ts';
import { ChampionPointer, type ModelManifest } from '../../../schema/model-manifest.ts';
import { readManifest, readModelFiles, writeModelFiles } from './artifacts.ts';
import type { ModelRegistry, StoredAnyModel, StoredModel } from '../port.ts';
import { previousChampion } from '../history.ts';
import { ForestModel } from '../../gbdt/model.ts';
import { PromotionDecision } from '../decision.ts';
import { decisionKey, readDecisions, touchRevision, readRevision } from './signals.ts';

const key = (version: string, file: string) => `versions/${version}/${file}`;
const CHAMPION = 'champion.json';

export class ObjectStoreRegistry implements ModelRegistry {
  constructor(private readonly store: ObjectStore) {}

  /** Where a version's files live (gs://... or a folder): Vertex AI takes this as the model's artifact URI. */
  uri(version: string): string {
    return this.store.uri(`versions/${version}`);
  }

  /**
   * Stores weights through a tf.js IOHandler (model.json + weights.bin, the layout tf.loadLayersModel reads),
   * then the manifest (a GBDT: forest.json, then the manifest). A version is never overwritten.
   */
  async save(manifest: ModelManifest, model: tf.LayersModel | ForestModel): Promise<void> {
    if (await this.store.exists(key(manifest.version, 'manifest.json'))) {
      throw new FraudflowError(
        'INPUT_INVALID',
        `model version ${manifest.version} already exists in the registry; versions are never overwritten`,
        { version: manifest.version },
      );
    }
    await writeModelFiles(this.store, key(manifest.version, ''), manifest, model);
    await touchRevision(this.store);
  }

  /** A network version (tf.js); a GBDT version is refused with a clear error: loadAny() reads every kind. */
  async load(version: string): Promise<StoredModel> {
    const stored = await this.loadAny(version);
    if (stored.model instanceof ForestModel)
      throw new FraudflowError(
        'MODEL_UNAVAILABLE',
        `model ${version} is a gradient-boosted forest, not a tf.js network: it is read with loadAny()`,
        { version },
        { retriable: false },
      );
    return { manifest: stored.manifest, model: stored.model };
  }

  /** Any version: a tf.js network or a gradient-boosted forest. */
  async loadAny(version: string): Promise<StoredAnyModel> {
    return this.inVersion(version, () => readModelFiles(this.store, key(version, '')));
  }

  async manifest(version: string): Promise<ModelManifest> {
    return this.inVersion(version, () => readManifest(this.store, key(version, '')));
  }

  /**
   * Reads a version's files; the manifest comes first and is written last, so its absence means no (complete)
   * version. The store's own NOT_FOUND says so: no separate existence check, one round trip less on Cloud Storage.
   */
  private async inVersion<T>(version: string, read: () => Promise<T>): Promise<T> {
    const missing = () =>
      new FraudflowError('NOT_FOUND', `model version ${version} is not in the registry (fraudflow models lists them)`, {
        version,
      });
    if (!/^[\w.-]+$/.test(version)) throw missing();
    try {
      return await read();
    } catch (e) {
      if (isFraudflowError(e) && e.code === 'NOT_FOUND') throw missing();
      throw e;
    }
  }

  /** Every complete version, oldest first. */
  async list(): Promise<ModelManifest[]> {
    const files = await this.store.list('versions/');
    const versions = files.filter((f) => f.key.endsWith('/manifest.json')).map((f) => f.key.split('/')[1]!);
    const out = await Promise.all(versions.map((v) => readManifest(this.store, key(v, ''))));
    return out.sort((a, b) => a.created_at.localeCompare(b.created_at) || a.version.localeCompare(b.version));
  }

  /** Read every few seconds by each scorer: one request, a missing pointer answering NOT_FOUND. */
  async champion(): Promise<ChampionPointer | null> {
    let text: Buffer;
    try {
      text = await this.store.readAll(CHAMPION);
    } catch (e) {
      if (isFraudflowError(e) && e.code === 'NOT_FOUND') return null;
      throw e;
    }
    return ChampionPointer.parse(JSON.parse(text.toString('utf8')));
  }

  /**
   * Makes `version` the champion. The pointer is one small object replaced whole (temp file + rename locally, a
   * single-request upload on Cloud Storage), so a reader sees the old champion or the new one, never a mix.
   * Promoting the current champion changes nothing.
   */
  async promote(version: string, reason: string, at: Date = new Date()): Promise<ChampionPointer> {
    await this.manifest(version);
    const current = await this.champion();
    if (current?.version === version) return current;
    const pointer: ChampionPointer = {
      version,
      history: [...(current?.history ?? []), { version, at: at.toISOString(), reason, action: 'promote' }],
    };
    await this.store.write(CHAMPION, JSON.stringify(pointer, null, 2));
    await touchRevision(this.store);
    return pointer;
  }

  /** Back to the champion before the current one (repeatable: each rollback goes one further back). */
  async rollback(reason = 'rollback by an operator', at: Date = new Date()): Promise<ChampionPointer> {
    const current = await this.champion();
    const previous = previousChampion(current);
    const pointer: ChampionPointer = {
      version: previous,
      history: [
        ...(current?.history ?? []),
        { version: previous, at: at.toISOString(), reason: `${reason} (from ${current?.version})`, action: 'rollback' },
      ],
    };
    await this.store.write(CHAMPION, JSON.stringify(pointer, null, 2));
    await touchRevision(this.store);
    return pointer;
  }

  /** One small object read: written after every save, promotion and rollback. */
  revision(): Promise<string | null> {
    return readRevision(this.store);
  }

  async recordDecision(decision: PromotionDecision): Promise<void> {
    const d = PromotionDecision.parse(decision);
    await this.store.write(decisionKey(d), JSON.stringify(d, null, 2));
  }

  decisions(version?: string): Promise<PromotionDecision[]> {
    return readDecisions(this.store, version);
  }
}
