// Which raw feature spec a model needs, from its manifest: scoring computes those features, so models on v1, v2 and v3 run side by side.
import { FraudflowError } from '../../errors.ts';
import type { ModelManifest } from '../../schema/model-manifest.ts';
import { RAW_FEATURES, RAW_SPECS, type RawFeatureSpec } from './spec.ts';

/** The raw spec of `manifest` (raw v1 when there is no manifest or the model is not on raw features). */
export function rawSpecOfModel(manifest: Pick<ModelManifest, 'feature_spec' | 'version'> | null): RawFeatureSpec {
  if (!manifest || manifest.feature_spec.name !== RAW_FEATURES.name) return RAW_FEATURES;
  const spec = RAW_SPECS[manifest.feature_spec.version];
  const same = spec && spec.names.length === manifest.feature_spec.names.length;
  if (!same || !spec.names.every((n, i) => n === manifest.feature_spec.names[i]))
    throw new FraudflowError(
      'INTERNAL',
      `model ${manifest.version} needs raw features v${manifest.feature_spec.version}, which this build does not compute`,
      { model: manifest.version, features: `raw v${manifest.feature_spec.version}` },
    );
  return spec;
}
