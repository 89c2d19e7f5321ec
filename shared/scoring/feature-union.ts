// A challenger on a wider feature spec than the champion (a v2 shadow beside a v1 champion): the union of both specs
// is computed once per transaction (one read of the feature state), then each model gets its own columns by name.
import { RAW_SPECS, type RawFeatureSpec } from '../features/raw/spec.ts';
import { columnMap, project, type RowSpec, type ShadowHook } from './shadow.ts';

const holds = (spec: RowSpec, names: readonly string[]) => names.every((n) => spec.names.includes(n));

/** The narrowest known raw spec holding the champion's features and the shadow's; the champion's when it holds both. */
export function unionRawSpec(champion: RawFeatureSpec, shadow: RowSpec | null): RawFeatureSpec {
  if (!shadow || shadow.name !== champion.name || holds(champion, shadow.names)) return champion;
  const wider = Object.values(RAW_SPECS)
    .filter((s) => s.name === champion.name && holds(s, champion.names) && holds(s, shadow.names))
    .sort((a, b) => a.names.length - b.names.length);
  return wider[0] ?? champion;
}

/** The spec to compute for this call: the union when the shadow will score it and needs more, else the champion's. */
export async function computedSpec(
  champion: RawFeatureSpec,
  shadow: ShadowHook | undefined,
  firstId: string | undefined,
): Promise<RawFeatureSpec> {
  if (!shadow?.wants || firstId === undefined) return champion;
  return unionRawSpec(champion, await shadow.wants(firstId));
}

export interface SplitRows {
  /** The champion's columns, in its spec's order. */
  readonly rows: Float32Array;
  /** The computed (wider) rows the shadow maps from by name; absent when the champion's rows are all there is. */
  readonly shadowRows?: { readonly rows: Float32Array; readonly spec: RowSpec };
}

/** The champion's columns of `rows` (computed by `computed`), and the wide rows kept for the shadow. */
export function splitRows(
  rows: Float32Array,
  computed: RawFeatureSpec,
  champion: RawFeatureSpec,
  count: number,
): SplitRows {
  if (computed === champion) return { rows };
  const index = columnMap(champion, computed)!;
  return { rows: project(rows, computed.names.length, index, count), shadowRows: { rows, spec: computed } };
}
