// A model's files in an object store folder: model.json + weights.bin in tf.js's own layout, and manifest.json.
import * as tf from '@tensorflow/tfjs';
import { FraudflowError, wrapError } from '../errors.ts';
import type { ObjectStore } from '../objectstore/port.ts';
import { ModelManifest } from '../schema/model-manifest.ts';
import { issueLines } from '../schema/issues.ts';

export interface StoredModel {
  readonly manifest: ModelManifest;
  readonly model: tf.LayersModel;
}

/** `dir` is '' or ends with '/'. The manifest goes last: a folder without one is an unfinished write. */
export async function writeModelFiles(
  store: ObjectStore,
  dir: string,
  manifest: ModelManifest,
  model: tf.LayersModel,
): Promise<void> {
  const checked = ModelManifest.parse(manifest);
  await model.save(
    tf.io.withSaveHandler(async (artifacts) => {
      const weights = artifacts.weightData as ArrayBuffer;
      await store.write(`${dir}weights.bin`, Buffer.from(weights));
      await store.write(
        `${dir}model.json`,
        JSON.stringify({
          format: 'layers-model',
          generatedBy: `TensorFlow.js tfjs-layers v${tf.version['tfjs-layers']}`,
          modelTopology: artifacts.modelTopology,
          weightsManifest: [{ paths: ['weights.bin'], weights: artifacts.weightSpecs }],
        }),
      );
      return {
        modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON', weightDataBytes: weights.byteLength },
      };
    }),
  );
  await store.write(`${dir}manifest.json`, JSON.stringify(checked, null, 2));
}

export async function readManifest(store: ObjectStore, dir: string): Promise<ModelManifest> {
  const text = (await store.readAll(`${dir}manifest.json`)).toString('utf8');
  const parsed = ModelManifest.safeParse(JSON.parse(text));
  if (!parsed.success)
    throw new FraudflowError(
      'INPUT_INVALID',
      `${store.uri(`${dir}manifest.json`)} is not a valid model manifest: ${issueLines(parsed.error, '').join('; ')}`,
    );
  return parsed.data;
}

export async function readModelFiles(store: ObjectStore, dir: string): Promise<StoredModel> {
  const manifest = await readManifest(store, dir);
  try {
    const spec = JSON.parse((await store.readAll(`${dir}model.json`)).toString('utf8')) as {
      modelTopology: object;
      weightsManifest?: Array<{ weights: tf.io.WeightsManifestEntry[] }>;
      weightSpecs?: tf.io.WeightsManifestEntry[];
    };
    const weights = await store.readAll(`${dir}weights.bin`);
    const data = weights.buffer.slice(weights.byteOffset, weights.byteOffset + weights.byteLength) as ArrayBuffer;
    // Versions saved before model.json followed tf.js's own layout kept a flat `weightSpecs`.
    const weightSpecs = spec.weightSpecs ?? (spec.weightsManifest ?? []).flatMap((g) => g.weights);
    const model = await tf.loadLayersModel(
      tf.io.fromMemory({ modelTopology: spec.modelTopology, weightSpecs, weightData: data }),
    );
    return { manifest, model };
  } catch (e) {
    throw wrapError(
      e,
      'MODEL_UNAVAILABLE',
      `model ${manifest.version}: its weights cannot be loaded from ${store.uri(dir)}`,
      { version: manifest.version },
    );
  }
}
