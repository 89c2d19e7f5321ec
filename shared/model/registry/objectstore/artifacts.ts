// A model's files in an object store folder: model.json + weights.bin in tf.js's own layout (a GBDT: forest.json), and manifest.json.
import type * as tf from '../../tf.ts';
import { tfReady } from '../../tf-backend.ts';
import { FraudflowError, wrapError } from '../../../errors.ts';
import type { ObjectStore } from '../../../objectstore/port.ts';
import { ModelManifest } from '../../../schema/model-manifest.ts';
import { issueLines } from '../../../schema/issues.ts';
import { FOREST_FILE, ForestModel } from '../../gbdt/model.ts';
import { ForestJson, forestFromJson, forestToJson } from '../../gbdt/forest.ts';
import type { StoredAnyModel, StoredModel } from '../port.ts';

/** `dir` is '' or ends with '/'. The manifest goes last: a folder without one is an unfinished write. */
export async function writeModelFiles(
  store: ObjectStore,
  dir: string,
  manifest: ModelManifest,
  model: tf.LayersModel | ForestModel,
): Promise<void> {
  const checked = ModelManifest.parse(manifest);
  if (model instanceof ForestModel) {
    await store.write(`${dir}${FOREST_FILE}`, JSON.stringify(forestToJson(model.forest)));
    await store.write(`${dir}manifest.json`, JSON.stringify(checked, null, 2));
    return;
  }
  // tf.js is imported when a network is saved or read, not by every process that reads the registry.
  const tfjs = await import('../../tf.ts');
  await model.save(
    tfjs.io.withSaveHandler(async (artifacts) => {
      const weights = artifacts.weightData as ArrayBuffer;
      await store.write(`${dir}weights.bin`, Buffer.from(weights));
      await store.write(
        `${dir}model.json`,
        JSON.stringify({
          format: 'layers-model',
          generatedBy: `TensorFlow.js tfjs-layers v${tfjs.version_layers}`,
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

/** A version's model whatever its kind: the manifest says whether forest.json or model.json + weights.bin hold it. */
export async function readModelFiles(store: ObjectStore, dir: string): Promise<StoredAnyModel> {
  const manifest = await readManifest(store, dir);
  return manifest.model === 'gbdt' ? readForest(store, dir, manifest) : readNetwork(store, dir, manifest);
}

async function readForest(store: ObjectStore, dir: string, manifest: ModelManifest): Promise<StoredAnyModel> {
  const file = store.uri(`${dir}${FOREST_FILE}`);
  const fail = (why: string, cause?: unknown) =>
    new FraudflowError(
      'MODEL_UNAVAILABLE',
      `model ${manifest.version}: its trees cannot be loaded from ${file}: ${why}`,
      { version: manifest.version },
      { retriable: false, ...(cause === undefined ? {} : { cause }) },
    );
  let json: unknown;
  try {
    json = JSON.parse((await store.readAll(`${dir}${FOREST_FILE}`)).toString('utf8'));
  } catch (e) {
    if (e instanceof SyntaxError) throw fail('not JSON', e);
    throw e;
  }
  const parsed = ForestJson.safeParse(json);
  if (!parsed.success) throw fail(issueLines(parsed.error, '').join('; '));
  let forest;
  try {
    forest = forestFromJson(parsed.data);
  } catch (e) {
    throw fail((e as Error).message, e);
  }
  if (forest.width !== manifest.feature_spec.names.length)
    throw fail(`${forest.width} features in the trees, ${manifest.feature_spec.names.length} in the manifest`);
  return { manifest, model: new ForestModel(forest) };
}

async function readNetwork(store: ObjectStore, dir: string, manifest: ModelManifest): Promise<StoredModel> {
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
    const tfjs = await tfReady();
    const model = await tfjs.loadLayersModel(
      tfjs.io.fromMemory({ modelTopology: spec.modelTopology, weightSpecs, weightData: data }),
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
