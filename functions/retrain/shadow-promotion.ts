// FRAUDFLOW_PROMOTION=shadow:<n>d: the shadow challenger replaces the champion only once it beats it on n days of
// matured live traffic; it takes over as `<version>.live`, whose manifest records the comparison and the threshold.
import type { Logger } from '../../shared/logger.ts';
import type { ModelRegistry } from '../../shared/model/registry/port.ts';
import type { ModelPublisher } from '../../shared/model/port.ts';
import type { Warehouse } from '../../shared/warehouse/port.ts';
import type { ModelManifest } from '../../shared/schema/model-manifest.ts';
import { autoShadowVersion } from '../../shared/model/shadow.ts';
import { compareLive, maturedWindow, type LiveComparison } from '../../shared/live/compare.ts';
import { switchChampion } from '../../shared/model/champion.ts';
import { thresholdSafety, type ThresholdSafety } from './threshold-safety.ts';
import type { PromotionDecision } from '../../shared/model/registry/decision.ts';

export interface ShadowPromotionPorts {
  readonly registry: ModelRegistry;
  readonly warehouse: Warehouse;
  readonly publisher: ModelPublisher | null;
  readonly logger: Logger;
}

export interface ShadowPromotionOptions {
  readonly days: number;
  readonly delayDays: number;
  readonly margin: number;
  readonly minFrauds: number;
  readonly maxShift: number;
  readonly onShift: 'recalibrate' | 'refuse';
  readonly now: Date;
}

export interface ShadowDecision {
  readonly challenger: string;
  readonly champion: string;
  readonly promoted: boolean;
  /** The version that took over (the challenger's weights, the threshold as safety left it). */
  readonly version?: string;
  readonly reason: string;
  /** How the judgement on live traffic came out (absent while the shadow period has not covered the window). */
  readonly outcome?: PromotionDecision['outcome'];
  readonly threshold?: ThresholdSafety;
}

type Verdict = Pick<ShadowDecision, 'promoted' | 'reason'> & {
  outcome: PromotionDecision['outcome'];
  threshold?: ThresholdSafety;
};

/** Better by the margin on matured live AP, with enough frauds, and a threshold safety did not refuse. */
export function judgeLive(c: LiveComparison, o: ShadowPromotionOptions): Verdict {
  const f = (v: number | null) => (v === null ? 'n/a' : v.toFixed(4));
  const figures = `live AP ${f(c.b.ap)} vs champion ${f(c.a.ap)} on ${c.b.transactions} transactions (${c.b.frauds} frauds) from ${c.window.from} to ${c.window.to}`;
  if (c.b.frauds < o.minFrauds || c.a.ap === null || c.b.ap === null)
    return {
      promoted: false,
      outcome: 'too-few-frauds',
      reason: `${figures}: fewer than ${o.minFrauds} frauds matured; still shadowing`,
    };
  const gain = c.b.ap - c.a.ap;
  if (!(gain > 0 && gain >= o.margin))
    return {
      promoted: false,
      outcome: 'lost',
      reason: `${figures}: gain ${gain.toFixed(4)} below the margin ${o.margin}; kept as challenger`,
    };
  const threshold = thresholdSafety(c, o.maxShift, o.onShift);
  const moved = `alerts ${threshold.champion_alerts} -> ${threshold.challenger_alerts} at its threshold ${threshold.before.toFixed(4)}`;
  if (threshold.decision === 'refused')
    return {
      promoted: false,
      outcome: 'refused',
      threshold,
      reason: `${figures}; ${moved} moves more than ${o.maxShift}: refused`,
    };
  const how =
    threshold.decision === 'recalibrated'
      ? `; ${moved}: threshold recalibrated to ${threshold.after.toFixed(4)} (the champion's alert volume)`
      : `; ${moved}: threshold kept`;
  return { promoted: true, outcome: 'promoted', threshold, reason: `${figures}: beats it by ${gain.toFixed(4)}${how}` };
}

function liveManifest(m: ModelManifest, c: LiveComparison, v: Verdict, o: ShadowPromotionOptions): ModelManifest {
  const fig = (x: LiveComparison['a']) => ({
    ap: x.ap,
    roc_auc: x.roc_auc,
    card_precision_at_k: x.card_precision_at_k,
  });
  const t = v.threshold!;
  return {
    ...m,
    version: `${m.version}.live`,
    created_at: o.now.toISOString(),
    threshold: t.after,
    promotion: {
      promoted: true,
      reason: v.reason,
      margin: o.margin,
      champion: { version: c.a.version, auprc_on_window: c.a.ap },
      live: {
        ...{ from_version: m.version, window: c.window, transactions: c.b.transactions, frauds: c.b.frauds },
        ...{ champion: fig(c.a), challenger: fig(c.b), threshold: t },
      },
    },
  };
}

/** Judges the shadow challenger (null when there is none, or its shadow period has not covered the window yet). */
export async function promoteFromShadow(
  ports: ShadowPromotionPorts,
  o: ShadowPromotionOptions,
): Promise<ShadowDecision | null> {
  const pointer = await ports.registry.champion();
  const challenger = pointer ? autoShadowVersion(await ports.registry.list(), pointer) : null;
  if (!pointer || !challenger) return null;
  const manifest = await ports.registry.manifest(challenger);
  const window = maturedWindow(o.now, o.days, o.delayDays);
  const base = { challenger, champion: pointer.version };
  if (manifest.created_at > window.from)
    return {
      ...base,
      promoted: false,
      reason: `shadowing since ${manifest.created_at}: the ${o.days}-day matured window starts ${window.from}`,
    };
  const c = await compareLive(ports.warehouse, pointer.version, challenger, window);
  const v = judgeLive(c, o);
  ports.logger.info('retrain: shadow challenger judged on matured live traffic', { ...base, ...v });
  if (!v.promoted) {
    // Manifests are never rewritten: the refusal is kept as its own decision object beside the version.
    await ports.registry.recordDecision(decisionOf(c, v, o));
    return { ...base, ...v };
  }
  const live = liveManifest(manifest, c, v, o);
  const { model } = await ports.registry.loadAny(challenger);
  await ports.registry.save(live, model);
  model.dispose();
  await switchChampion(
    { registry: ports.registry, publisher: ports.publisher, logger: ports.logger },
    { action: 'promote', version: live.version, reason: v.reason, at: o.now },
  );
  await ports.registry.recordDecision(decisionOf(c, v, o, live.version));
  return { ...base, ...v, version: live.version };
}

/** What the registry keeps of a judgement: the outcome, the reason, the window, the frauds and both sides' figures. */
export function decisionOf(
  c: LiveComparison,
  v: Verdict,
  o: ShadowPromotionOptions,
  promotedAs?: string,
): PromotionDecision {
  const fig = (x: LiveComparison['a']) => ({
    ap: x.ap,
    roc_auc: x.roc_auc,
    card_precision_at_k: x.card_precision_at_k,
  });
  const t = v.threshold;
  return {
    ...{ version: c.b.version, champion: c.a.version, at: o.now.toISOString(), outcome: v.outcome, reason: v.reason },
    rule: `FRAUDFLOW_PROMOTION=shadow:${o.days}d (margin ${o.margin}, threshold shift at most ${o.maxShift}, on shift ${o.onShift})`,
    ...{ window: c.window, transactions: c.b.transactions, frauds: c.b.frauds },
    ...{ champion_figures: fig(c.a), challenger_figures: fig(c.b) },
    threshold: t
      ? {
          ...{ decision: t.decision, champion_alerts: t.champion_alerts, challenger_alerts: t.challenger_alerts },
          ...{ shift: t.shift, max_shift: t.max_shift, before: t.before, after: t.after },
        }
      : null,
    ...(promotedAs ? { promoted_as: promotedAs } : {}),
  };
}

/** With a shadow period, a model beating the champion on the validation window waits as a challenger instead. */
export function shadowGate(p: ModelManifest['promotion'] & object, shadowDays: number | undefined) {
  if (shadowDays === undefined || !p.promoted || !p.champion) return p;
  return {
    ...p,
    promoted: false,
    reason: `${p.reason}; FRAUDFLOW_PROMOTION=shadow:${shadowDays}d: it shadows the champion first and takes over only once it beats it on ${shadowDays} days of matured live traffic`,
  };
}
