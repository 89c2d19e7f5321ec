// What the registry keeps about every model version: enough to reload, explain and compare it.
import { z } from 'zod';

const finiteOrNull = z.number().nullable();

export const ModelMetrics = z.object({
  auprc: finiteOrNull,
  roc_auc: finiteOrNull,
  precision: z.number(),
  recall: z.number(),
  f1: z.number(),
  tp: z.number().int(), fp: z.number().int(), tn: z.number().int(), fn: z.number().int(),
  card_precision_at_100: finiteOrNull.optional(),
});
export type ModelMetrics = z.infer<typeof ModelMetrics>;

export const ModelManifest = z.object({
  version: z.string().regex(/^[\w.-]+$/),
  created_at: z.iso.datetime(),
  model: z.enum(['logistic-regression', 'mlp']),
  feature_spec: z.object({ name: z.string(), version: z.number().int(), names: z.array(z.string()) }),
  scaler: z.object({ mean: z.array(z.number()), std: z.array(z.number()) }),
  threshold: z.number(),
  threshold_rule: z.record(z.string(), z.unknown()),
  metrics: ModelMetrics,
  /** Validation AUPRC of every candidate trained in the run, to show why this one was chosen. */
  candidates: z.array(z.object({ model: z.string(), auprc: finiteOrNull, epochs: z.number().int() })),
  data: z.object({
    train_rows: z.number().int(), validation_rows: z.number().int(), train_frauds: z.number().int(), validation_frauds: z.number().int(),
    train_range: z.tuple([z.number(), z.number()]), validation_range: z.tuple([z.number(), z.number()]), gap_seconds: z.number(),
  }),
  code_version: z.string(),
  seed: z.number().int(),
  /** Validation curves and score histograms for reports (thinned). */
  curves: z.object({
    pr: z.array(z.object({ recall: z.number(), precision: z.number() })),
    roc: z.array(z.object({ fpr: z.number(), tpr: z.number() })),
    histogram: z.object({ edges: z.array(z.number()), fraud: z.array(z.number()), genuine: z.array(z.number()) }),
  }).optional(),
});
export type ModelManifest = z.infer<typeof ModelManifest>;

export const ChampionPointer = z.object({
  version: z.string(),
  history: z.array(z.object({ version: z.string(), at: z.iso.datetime(), reason: z.string() })),
});
export type ChampionPointer = z.infer<typeof ChampionPointer>;
