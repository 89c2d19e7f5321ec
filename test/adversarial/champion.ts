// A real champion for the adversarial suites: a tiny TF.js logistic model in a registry on disk, served by the local endpoint.
import { join } from 'node:path';
import { tfReady } from '../../shared/model/tf-backend.ts';
import { ObjectStoreRegistry } from '../../shared/model/registry/objectstore/registry.ts';
import { LocalObjectStore } from '../../shared/objectstore/local/local.ts';
import { LocalModelEndpoint } from '../../shared/model/local/local.ts';
import type { ModelManifest } from '../../shared/schema/model-manifest.ts';
import { tinyManifest, tinyModel } from '../helpers/model.ts';

/** Promotes a model with the given weights by feature name (0 elsewhere) and returns an endpoint serving it. */
export async function championWith(
  dir: string,
  version: string,
  spec: ModelManifest['feature_spec'],
  weights: Record<string, number>,
  bias = 0,
  /** Per feature name, the scaler's standard deviation (1 elsewhere). */
  std: Record<string, number> = {},
): Promise<{ endpoint: LocalModelEndpoint; registry: ObjectStoreRegistry }> {
  await tfReady();
  const registry = new ObjectStoreRegistry(new LocalObjectStore(join(dir, 'models')));
  await registry.save(
    tinyManifest(version, {
      feature_spec: spec,
      scaler: { mean: spec.names.map(() => 0), std: spec.names.map((n) => std[n] ?? 1) },
    }),
    tinyModel(
      spec.names.map((n) => weights[n] ?? 0),
      bias,
    ),
  );
  await registry.promote(version, 'test');
  return { endpoint: new LocalModelEndpoint(registry, 0), registry };
}
