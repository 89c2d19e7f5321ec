// What each raw spec version needs from a read of the feature state, and its features from v1's: the one place
// computeAndRecord (online and offline) and retrain's fast offline path learn how a version extends v1.
import { FraudflowError } from '../../errors.ts';
import type { ExtraWindows } from './port.ts';
import type { RawFeatureSpec } from './spec.ts';
import { ratioFeatures, v2Extras } from './features-v2.ts';

/** Whether `spec`'s features need the state's v2 aggregates (`extra`); v1 and v3 are functions of v1's windows. */
export const readsExtra = (spec: RawFeatureSpec): boolean => spec.version === 2;

/** `spec`'s features from `v1` (featuresFromWindows), the transaction's time and the v2 aggregates when read. */
export function featuresOfSpec(
  spec: RawFeatureSpec,
  v1: number[],
  tMs: number,
  extra: ExtraWindows | undefined,
): number[] {
  switch (spec.version) {
    case 1:
      return v1;
    case 2:
      return [...v1, ...v2Extras(v1, tMs, extra)];
    case 3:
      return [...v1, ...ratioFeatures(v1)];
    default:
      throw new FraudflowError('INTERNAL', `raw features v${spec.version}: no such version`, {
        spec: `raw v${spec.version}`,
      });
  }
}
