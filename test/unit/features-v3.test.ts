// Spec v3 is v1 and v2's six ratios: its ratio columns are v2's same-named columns bit for bit, a v3 read asks the
// state for no v2 aggregates, and retrain, config, the retrain message and scoring's model spec and union all know it.
import { describe, expect, it } from 'vitest';
import { simulateDays } from '../../shared/simulator/generate.ts';
import { offlineFeatures } from '../../shared/features/raw/offline.ts';
import { computeAndRecord, type RawTx } from '../../shared/features/raw/compute.ts';
import { MemoryFeatureState } from '../../shared/features/raw/memory-state.ts';
import { ratioFeatures } from '../../shared/features/raw/features-v2.ts';
import { featuresOfSpec } from '../../shared/features/raw/versions.ts';
import {
  DEFAULT_RAW_FEATURES_VERSION,
  RAW_FEATURES,
  RAW_FEATURES_V2,
  RAW_FEATURES_V3,
  RAW_SPECS,
  rawSpecOf,
  V2_GROUPS,
} from '../../shared/features/raw/spec.ts';
import type { FeatureWindows, TxEvent } from '../../shared/features/raw/port.ts';
import { rawSpecOfModel } from '../../shared/features/raw/model-spec.ts';
import { unionRawSpec } from '../../shared/scoring/feature-union.ts';
import { loadConfig } from '../../shared/config.ts';
import { RetrainRequest } from '../../functions/retrain/request.ts';

const history = (): RawTx[] =>
  [...simulateDays({ customers: 120, terminals: 60, days: 35, seed: 31, startDate: '2026-06-01', radius: 15 })].flat();

/** A memory state that notes whether each read asked for the v2 aggregates. */
class NotingState extends MemoryFeatureState {
  readonly asked: boolean[] = [];
  override windowsThenAppend(c: string, t: string, e: TxEvent, extra = false): Promise<FeatureWindows> {
    this.asked.push(extra);
    return super.windowsThenAppend(c, t, e, extra);
  }
}

describe('raw features spec v3', () => {
  it("is v1's 15 features then v2's six ratios, version 3, known by version", () => {
    expect(RAW_FEATURES_V3.names).toEqual([...RAW_FEATURES.names, ...V2_GROUPS.ratios]);
    expect(RAW_FEATURES_V3.names).toHaveLength(21);
    expect(RAW_FEATURES_V3.version).toBe(3);
    expect(RAW_SPECS[3]).toBe(RAW_FEATURES_V3);
    expect(rawSpecOf(3)).toBe(RAW_FEATURES_V3);
    expect(() => rawSpecOf(4)).toThrow(/known: v1, v2, v3/);
  });

  it('is what retrain builds when no version is asked (ahead by prequential AP)', () => {
    expect(DEFAULT_RAW_FEATURES_VERSION).toBe(3);
    expect(rawSpecOf()).toBe(RAW_FEATURES_V3);
  });

  it("gives v2's ratio values bit for bit, from a read without the v2 aggregates", async () => {
    const txs = history();
    const v2: number[][] = [];
    for await (const r of offlineFeatures(txs, RAW_FEATURES_V2)) v2.push(r.features);
    const state = new NotingState();
    const columns = RAW_FEATURES_V3.names.map((n) => RAW_FEATURES_V2.names.indexOf(n));
    let mismatches = 0;
    let notOne = 0;
    for (let i = 0; i < txs.length; i++) {
      const v3 = await computeAndRecord(txs[i]!, state, RAW_FEATURES_V3);
      expect(v3).toHaveLength(21);
      columns.forEach((c, k) => {
        if (!Object.is(v3[k], v2[i]![c])) mismatches++;
      });
      if (v3[15] !== 1) notOne++;
    }
    expect(txs.length).toBeGreaterThan(3000);
    expect(mismatches).toBe(0);
    // The ratios vary (not a constant column that would hide a wrong index).
    expect(notOne).toBeGreaterThan(txs.length / 2);
    expect(state.asked.every((a) => a === false)).toBe(true);
    expect(state.asked).toHaveLength(txs.length);
  });

  it('computes its tail from the v1 vector alone, with the one ratio definition', () => {
    const v1 = [50, 0, 1, 2, 40, 5, 30, 20, 25, 3, 0.1, 9, 0.2, 30, 0.05];
    expect(featuresOfSpec(RAW_FEATURES_V3, v1, 0, undefined)).toEqual([...v1, ...ratioFeatures(v1)]);
    expect(ratioFeatures(v1)).toEqual([50 / 40, 50 / 30, 50 / 25, 2 / (20 / 30), 40 / 25, 30 / 25]);
    expect(() => featuresOfSpec(RAW_FEATURES_V2, v1, 0, undefined)).toThrow(/without the v2 aggregates/);
    expect(() => featuresOfSpec({ ...RAW_FEATURES, version: 9 }, v1, 0, undefined)).toThrow(/v9: no such version/);
  });

  it("is what scoring computes for a v3 model's manifest", () => {
    expect(rawSpecOfModel({ version: 'm3', feature_spec: RAW_FEATURES_V3 })).toBe(RAW_FEATURES_V3);
    const wrong = { ...RAW_FEATURES_V3, names: RAW_FEATURES_V3.names.slice(0, 20) };
    expect(() => rawSpecOfModel({ version: 'm3', feature_spec: wrong })).toThrow(/needs raw features v3/);
  });

  it('joins v1 and v2 by names: v1 with v3 computes v3; v2 holds v3, so v2 with v3 computes v2', () => {
    expect(unionRawSpec(RAW_FEATURES, RAW_FEATURES_V3)).toBe(RAW_FEATURES_V3);
    expect(unionRawSpec(RAW_FEATURES_V3, RAW_FEATURES)).toBe(RAW_FEATURES_V3);
    expect(unionRawSpec(RAW_FEATURES_V3, RAW_FEATURES_V2)).toBe(RAW_FEATURES_V2);
    expect(unionRawSpec(RAW_FEATURES_V2, RAW_FEATURES_V3)).toBe(RAW_FEATURES_V2);
    expect(unionRawSpec(RAW_FEATURES_V3, RAW_FEATURES_V3)).toBe(RAW_FEATURES_V3);
  });

  it('can be asked for by FRAUDFLOW_FEATURES and by the retrain message; other versions are refused', () => {
    expect(loadConfig({ FRAUDFLOW_FEATURES: 'v3' }).retrain.features).toBe(3);
    expect(loadConfig({ FRAUDFLOW_FEATURES: 'v2' }).retrain.features).toBe(2);
    expect(loadConfig({ FRAUDFLOW_FEATURES: 'v1' }).retrain.features).toBe(1);
    expect(loadConfig({}).retrain.features).toBeUndefined();
    expect(() => loadConfig({ FRAUDFLOW_FEATURES: 'v4' })).toThrow(/FRAUDFLOW_FEATURES/);
    expect(RetrainRequest.parse({ features: 'v3' })).toEqual({ features: 'v3' });
    expect(RetrainRequest.safeParse({ features: 'v4' }).success).toBe(false);
  });
});
