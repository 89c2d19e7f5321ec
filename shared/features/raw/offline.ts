// Offline features over a time-sorted history (training): the same computeAndRecord as online, on an in-memory state.
import { computeAndRecord, type RawTx } from './compute.ts';
import { MemoryFeatureState } from './memory-state.ts';
import { RAW_FEATURES, type RawFeatureSpec } from './spec.ts';

export async function* offlineFeatures(
  history: AsyncIterable<RawTx> | Iterable<RawTx>,
  spec: RawFeatureSpec = RAW_FEATURES,
): AsyncGenerator<{ tx: RawTx; features: number[] }> {
  const state = new MemoryFeatureState();
  for await (const tx of history) yield { tx, features: await computeAndRecord(tx, state, spec) };
}
