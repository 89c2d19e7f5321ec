// What the registry keeps about every model version: enough to reload, explain and compare it.
import { z } from 'zod';

const finiteOrNull = z.number().nullable();

export const ModelMetrics = z.object({
  auprc: finiteOrNull,
  roc_auc: finiteOrNull,
  precision: z.number(),
  recall: z.number(),
  f1: z.number(),
  tp: z.number().int(),
  fp: z.number().int(),
  tn: z.number().int(),
  fn: z.number().int(),
  /** The Handbook's Card Precision@100 (card_precision_top_k): cards detected on earlier days removed, mean over days. */
  card_precision_at_100: finiteOrNull.optional(),
});
export type ModelMetrics = z.infer<typeof ModelMetrics>;

export const ThresholdRule = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('target-precision'), precision: z.number().gt(0).max(1) }),
  z.object({ kind: z.literal('min-cost'), missedFraudCost: z.number().min(0), falseAlarmCost: z.number().min(0) }),
]);

/** What retraining decided about this version when it was trained, and why (operators can still promote later). */
export const Promotion = z.object({
  promoted: z.boolean(),
  reason: z.string(),
  margin: z.number(),
  /** The champion it was compared with, re-scored on this version's validation window; null when there was none. */
  champion: z.object({ version: z.string(), auprc_on_window: finiteOrNull }).nullable(),
  /** Promoted after a shadow period: both versions on the matured live traffic, and what guarded the threshold. */
  live: z
    .object({
      from_version: z.string(),
      window: z.object({ from: z.string(), to: z.string() }),
      transactions: z.number().int(),
      frauds: z.number().int(),
      champion: z.object({ ap: finiteOrNull, roc_auc: finiteOrNull, card_precision_at_k: finiteOrNull }),
      challenger: z.object({ ap: finiteOrNull, roc_auc: finiteOrNull, card_precision_at_k: finiteOrNull }),
      threshold: z.object({
        decision: z.enum(['kept', 'recalibrated', 'refused']),
        champion_alerts: z.number().int(),
        challenger_alerts: z.number().int(),
        shift: finiteOrNull,
        max_shift: z.number(),
        champion_precision: finiteOrNull,
        challenger_precision: finiteOrNull,
        before: z.number(),
        after: z.number(),
      }),
    })
    .optional(),
});

/** A gradient-boosted forest's shape and the hyper-parameters it was trained with. */
export const GbdtArchitecture = z.object({
  trees: z.number().int().min(0),
  nodes: z.number().int().min(0),
  rounds_run: z.number().int().min(0),
  learning_rate: z.number(),
  max_depth: z.number().int(),
  max_leaves: z.number().int(),
  lambda: z.number(),
  min_child_weight: z.number(),
  max_bins: z.number().int(),
  subsample: z.number(),
  scale_pos_weight: z.number(),
  early_stopping: z.object({ metric: z.string(), rounds: z.number().int() }),
});

export const ModelManifest = z.object({
  version: z.string().regex(/^[\w.-]+$/),
  created_at: z.iso.datetime(),
  model: z.enum(['logistic-regression', 'mlp', 'gbdt']),
  /** How a GBDT version was grown (absent for the networks, whose shape model.json holds). */
  gbdt: GbdtArchitecture.optional(),
  feature_spec: z.object({ name: z.string(), version: z.number().int(), names: z.array(z.string()) }),
  scaler: z.object({ mean: z.array(z.number()), std: z.array(z.number()) }),
  threshold: z.number(),
  threshold_rule: ThresholdRule,
  /** Whether the rule's target was met on validation (false: the most precise threshold was taken instead). */
  threshold_reached: z.boolean().optional(),
  metrics: ModelMetrics,
  /** Validation AUPRC of every candidate trained in the run, to show why this one was chosen. */
  /** Every model trained in the run; `epochs`: the best epoch (MLP) or Newton iterations (logistic regression); `detail`: how it was fitted. */
  candidates: z.array(
    z.object({ model: z.string(), auprc: finiteOrNull, epochs: z.number().int(), detail: z.string().optional() }),
  ),
  data: z.object({
    train_rows: z.number().int(),
    validation_rows: z.number().int(),
    train_frauds: z.number().int(),
    validation_frauds: z.number().int(),
    train_range: z.tuple([z.number(), z.number()]),
    validation_range: z.tuple([z.number(), z.number()]),
    gap_seconds: z.number(),
    /** How the rows were split: a fraction of the span, or the Handbook's day windows (dates YYYY-MM-DD, inclusive). */
    split: z
      .object({
        mode: z.enum(['fraction', 'windows']),
        validation_fraction: z.number().optional(),
        train_days: z.number().int().optional(),
        delay_days: z.number().int().optional(),
        test_days: z.number().int().optional(),
        end: z.string().optional(),
        train_window: z.tuple([z.string(), z.string()]).optional(),
        delay_window: z.tuple([z.string(), z.string()]).optional(),
        test_window: z.tuple([z.string(), z.string()]).optional(),
        /** Test rows left out because their card was known to be compromised by that test day. */
        known_compromised_removed: z.number().int().optional(),
        feature_history_from: z.string().optional(),
        selection_folds: z.number().int(),
        selection_test_windows: z.array(z.tuple([z.string(), z.string()])).optional(),
      })
      .optional(),
    /** The smallest validation window retrain judges a model on; a smaller one is refused. */
    minimum: z.object({ validation_rows: z.number().int(), validation_frauds: z.number().int() }).optional(),
  }),
  /** Model selection over the prequential folds (never the reported window): each candidate's mean and sd there. */
  selection: z
    .object({
      metric: z.literal('auprc'),
      folds: z.number().int(),
      candidates: z.array(
        z.object({
          model: z.string(),
          folds: z.number().int(),
          auprc: z.object({ mean: finiteOrNull, sd: finiteOrNull }),
          roc_auc: z.object({ mean: finiteOrNull, sd: finiteOrNull }),
          card_precision_at_100: z.object({ mean: finiteOrNull, sd: finiteOrNull }).optional(),
        }),
      ),
    })
    .optional(),
  code_version: z.string(),
  seed: z.number().int(),
  promotion: Promotion.optional(),
  /** Validation curves and score histograms for reports (thinned). */
  curves: z
    .object({
      pr: z.array(z.object({ recall: z.number(), precision: z.number() })),
      roc: z.array(z.object({ fpr: z.number(), tpr: z.number() })),
      histogram: z.object({ edges: z.array(z.number()), fraud: z.array(z.number()), genuine: z.array(z.number()) }),
    })
    .optional(),
});
export type ModelManifest = z.infer<typeof ModelManifest>;

export const ChampionPointer = z.object({
  version: z.string(),
  /** Every change, oldest first: a promotion pushes a version on the champion stack, a rollback pops one. */
  history: z.array(
    z.object({
      version: z.string(),
      at: z.iso.datetime(),
      reason: z.string(),
      action: z.enum(['promote', 'rollback']).default('promote'),
    }),
  ),
});
export type ChampionPointer = z.infer<typeof ChampionPointer>;
