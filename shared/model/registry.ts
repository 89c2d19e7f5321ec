// The model registry on the object store: versions (weights, manifest) and an atomic champion pointer with its history.
import * as tf from '@tensorflow/tfjs';
import { FraudflowError } from '../errors.ts';
import type { ObjectStore } from '../objectstore/port.ts';
import { ChampionPointer, ModelManifest } from '../schema/model-manifest.ts';

export interface StoredModel {
  readonly manifest: ModelManifest;
  readonly model: tf.LayersModel;
}

const key = (version: string, file: string) => `versions/${version}/${file}`;

export class ModelRegistry {
  constructor(private readonly store: ObjectStore) {}

  async save(manifest: ModelManifest, model: tf.LayersModel): Promise<void> {
    await model.save(tf.io.withSaveHandler(async (artifacts) => {
      const weights = artifacts.weightData as ArrayBuffer;
      await this.store.write(key(manifest.version, 'weights.bin'), Buffer.from(weights));
      await this.store.write(key(manifest.version, 'model.json'), JSON.stringify({ modelTopology: artifacts.modelTopology, weightSpecs: artifacts.weightSpecs }));
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }));
    // The manifest goes last: a version without one is an unfinished write and is not listed.
    await this.store.write(key(manifest.version, 'manifest.json'), JSON.stringify(ModelManifest.parse(manifest), null, 2));
  }

  async load(version: string): Promise<StoredModel> {
    const manifest = await this.manifest(version);
    const spec = JSON.parse((await this.store.readAll(key(version, 'model.json'))).toString('utf8')) as { modelTopology: object; weightSpecs: tf.io.WeightsManifestEntry[] };
    const weights = await this.store.readAll(key(version, 'weights.bin'));
    const data = weights.buffer.slice(weights.byteOffset, weights.byteOffset + weights.byteLength) as ArrayBuffer;
    const model = await tf.loadLayersModel(tf.io.fromMemory({ modelTopology: spec.modelTopology, weightSpecs: spec.weightSpecs, weightData: data }));
    return { manifest, model };
  }

  async manifest(version: string): Promise<ModelManifest> {
    if (!(await this.store.exists(key(version, 'manifest.json')))) {
      throw new FraudflowError('NOT_FOUND', `model version ${version} is not in the registry (fraudflow models lists them)`, { version });
    }
    return ModelManifest.parse(JSON.parse((await this.store.readAll(key(version, 'manifest.json'))).toString('utf8')));
  }

  async list(): Promise<ModelManifest[]> {
    const files = await this.store.list('versions/');
    const versions = files.filter((f) => f.key.endsWith('/manifest.json')).map((f) => f.key.split('/')[1]!);
    const out = await Promise.all(versions.map((v) => this.manifest(v)));
    return out.sort((a, b) => a.created_at.localeCompare(b.created_at));
  }

  async champion(): Promise<ChampionPointer | null> {
    if (!(await this.store.exists('champion.json'))) return null;
    return ChampionPointer.parse(JSON.parse((await this.store.readAll('champion.json')).toString('utf8')));
  }

  /** Makes `version` the champion; the store writes the pointer atomically. */
  async promote(version: string, reason: string): Promise<ChampionPointer> {
    await this.manifest(version);
    const current = await this.champion();
    const pointer: ChampionPointer = { version, history: [...(current?.history ?? []), { version, at: new Date().toISOString(), reason }] };
    await this.store.write('champion.json', JSON.stringify(pointer, null, 2));
    return pointer;
  }

  /** Back to the champion before the current one. */
  async rollback(): Promise<ChampionPointer> {
    const current = await this.champion();
    const previous = current?.history.slice(0, -1).reverse().find((h) => h.version !== current.version);
    if (!current || !previous) throw new FraudflowError('NOT_FOUND', 'rollback: there is no earlier champion to go back to');
    return this.promote(previous.version, `rollback from ${current.version}`);
  }
}
