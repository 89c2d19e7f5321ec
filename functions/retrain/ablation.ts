// Prequential feature ablation: v1, v2, and each v2 group added to v1 / removed from v2, scored on the selection folds only.
import type { Logger } from '../../shared/logger.ts';
import { RAW_FEATURES, RAW_FEATURES_V2, V2_GROUPS } from '../../shared/features/raw/spec.ts';
import { FraudflowError } from '../../shared/errors.ts';
import type { Dataset } from './dataset.ts';
import type { RowSplit } from './split.ts';
import { selectModel, type SelectOptions } from './select.ts';

export interface FeatureSet {
  /** e.g. `v1`, `v2`, `v1 + ratios`, `v2 - recency`. */
  readonly name: string;
  readonly names: readonly string[];
}

/** The sets the ablation compares: v1, v2, then per V2_GROUPS group v1 with it and v2 without it. */
export function ablationSets(): FeatureSet[] {
  const groups = Object.entries(V2_GROUPS) as Array<[string, readonly string[]]>;
  return [
    { name: 'v1', names: RAW_FEATURES.names },
    { name: 'v2', names: RAW_FEATURES_V2.names },
    ...groups.map(([g, cols]) => ({ name: `v1 + ${g}`, names: [...RAW_FEATURES.names, ...cols] })),
    ...groups.map(([g, cols]) => ({
      name: `v2 - ${g}`,
      names: RAW_FEATURES_V2.names.filter((n) => !cols.includes(n)),
    })),
  ];
}

/** The same rows with only the named columns (in the order given); the spec keeps the source's name and version. */
export function selectColumns<D extends Dataset>(data: D, names: readonly string[]): D {
  const idx = names.map((n) => data.spec.names.indexOf(n));
  const missing = names.filter((_, i) => idx[i]! < 0);
  if (missing.length)
    throw new FraudflowError('INPUT_INVALID', `ablation: the history has no column ${missing.join(', ')}`, {
      missing,
    });
  const w = idx.length;
  const out = new Float32Array(data.rows * w);
  for (let r = 0; r < data.rows; r++) {
    const base = r * data.width;
    for (let j = 0; j < w; j++) out[r * w + j] = data.features[base + idx[j]!]!;
  }
  return { ...data, features: out, width: w, spec: { ...data.spec, names: [...names] } };
}

interface Stat {
  readonly mean: number | null;
  readonly sd: number | null;
}

export interface AblationRow {
  readonly set: string;
  readonly width: number;
  /** The learner whose figures these are (`best`: the one selection keeps per set). */
  readonly model: string;
  readonly folds: number;
  readonly auprc: Stat;
  readonly cp100: Stat | null;
  /** Mean AP and CP@100 minus v1's, same learner, same folds. */
  readonly deltaAuprc: number | null;
  readonly deltaCp100: number | null;
}

const diff = (a: number | null | undefined, b: number | null | undefined) =>
  a === null || a === undefined || b === null || b === undefined ? null : a - b;

/**
 * Each set through the same prequential selection retrain runs (`folds`: windows before the reported one, never it);
 * a row per set and learner, and a `best` row per set: the learner with the best mean AP there.
 */
export async function prequentialAblation(
  data: Dataset & { cards?: Uint32Array },
  folds: readonly RowSplit[],
  sets: readonly FeatureSet[],
  o: SelectOptions,
  logger: Logger,
  /** Called with each set's rows as soon as they are scored (long runs report as they go). */
  onSet?: (rows: ReadonlyArray<Omit<AblationRow, 'deltaAuprc' | 'deltaCp100'>>) => void,
): Promise<AblationRow[]> {
  const rows: Array<Omit<AblationRow, 'deltaAuprc' | 'deltaCp100'>> = [];
  for (const set of sets) {
    const sub = selectColumns(data, set.names);
    const s = await selectModel(sub, folds, o, logger);
    const cands = s.selection.candidates;
    for (const c of cands)
      rows.push({
        set: set.name,
        width: sub.width,
        model: c.model,
        folds: c.folds,
        auprc: c.auprc,
        cp100: c.card_precision_at_100 ?? null,
      });
    // The kept family's best candidate (a GBDT grid point is named `gbdt <config>`).
    const best = cands
      .filter((c) => c.model === s.best || c.model.startsWith(`${s.best} `))
      .reduce((b, c) => ((c.auprc.mean ?? -1) > (b.auprc.mean ?? -1) ? c : b));
    if (cands.length > 1)
      rows.push({
        set: set.name,
        width: sub.width,
        model: `best (${best.model})`,
        folds: best.folds,
        auprc: best.auprc,
        cp100: best.card_precision_at_100 ?? null,
      });
    logger.info('ablation: feature set scored', { set: set.name, width: sub.width, best: s.best });
    onSet?.(rows.filter((r) => r.set === set.name));
  }
  const base = (model: string) =>
    rows.find((r) => r.set === 'v1' && (r.model === model || (model.startsWith('best') && r.model.startsWith('best'))));
  return rows.map((r) => {
    const b = base(r.model);
    return {
      ...r,
      deltaAuprc: diff(r.auprc.mean, b?.auprc.mean),
      deltaCp100: diff(r.cp100?.mean, b?.cp100?.mean),
    };
  });
}
