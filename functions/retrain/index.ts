// Entry points of retrain: the nightly Cloud Scheduler -> Pub/Sub CloudEvent handler and the CLI; thin over the core.
import * as ff from '@google-cloud/functions-framework';
import { tfReady } from '../../shared/model/tf-backend.ts';
import { cloudEventRoute, notBehindEdge } from '../../shared/http/function-route.ts';
import { processRuntime, type Runtime } from '../../shared/runtime.ts';
import { retrain, type RetrainOptions, type RetrainResult } from './retrain.ts';
import { retrainRequestOf, type RetrainRequest } from './request.ts';
import { promoteFromShadow, type ShadowDecision } from './shadow-promotion.ts';
import { DELAY_DAYS, rawVersionOf } from '../../shared/features/raw/spec.ts';

export async function retrainWith(
  rt: Runtime,
  overrides: Partial<RetrainOptions> = {},
): Promise<RetrainResult & { shadow_promotion?: ShadowDecision | null }> {
  await tfReady();
  const c = rt.config.retrain;
  // The shadow challenger is judged before a new model joins the registry (and would become the newest candidate).
  const shadow = await judgeShadow(rt);
  const result = await retrain(
    {
      warehouse: await rt.warehouse(),
      registry: rt.models(),
      publisher: rt.modelPublisher(),
      logger: rt.logger.child({ function: 'retrain' }),
    },
    {
      validationFraction: c.validationFraction,
      gapSeconds: c.gapSeconds,
      thresholdRule: c.thresholdRule,
      promotionMargin: c.promotionMargin,
      models: ['logistic-regression', 'mlp', 'gbdt'],
      maxEpochs: c.maxEpochs,
      seed: c.seed,
      prequentialFolds: c.prequentialFolds,
      minValidationRows: c.minValidationRows,
      minValidationFrauds: c.minValidationFrauds,
      ...(c.windows ? { windows: c.windows } : {}),
      ...(c.format ? { format: c.format } : {}),
      ...(rt.config.promotion.shadowDays !== null ? { shadowDays: rt.config.promotion.shadowDays } : {}),
      ...(c.features ? { features: c.features } : {}),
      ...overrides,
    },
  );
  return shadow === undefined ? result : { ...result, shadow_promotion: shadow };
}

async function judgeShadow(rt: Runtime): Promise<ShadowDecision | null | undefined> {
  const p = rt.config.promotion;
  if (p.shadowDays === null) return undefined;
  return promoteFromShadow(
    {
      registry: rt.models(),
      warehouse: await rt.warehouse(),
      publisher: rt.modelPublisher(),
      logger: rt.logger.child({ function: 'retrain' }),
    },
    {
      days: p.shadowDays,
      delayDays: rt.config.retrain.windows?.delayDays ?? DELAY_DAYS,
      margin: rt.config.retrain.promotionMargin,
      minFrauds: rt.config.retrain.minValidationFrauds,
      maxShift: p.thresholdMaxShift,
      onShift: p.onShift,
      now: new Date(),
    },
  );
}

/** Cloud Scheduler publishes to the retrain topic; Eventarc delivers it as google.cloud.pubsub.topic.v1.messagePublished. */
export async function onScheduledMessage(rt: Runtime, eventData: unknown): Promise<RetrainResult> {
  const r = retrainRequestOf(eventData);
  return retrainWith(rt, {
    ...(r.models ? { models: r.models } : {}),
    ...(r.format ? { format: r.format } : {}),
    ...(r.max_epochs ? { maxEpochs: r.max_epochs } : {}),
    ...(r.seed !== undefined ? { seed: r.seed } : {}),
    ...windowsOf(r, rt.config.retrain.windows),
    ...(r.prequential_folds ? { prequentialFolds: r.prequential_folds } : {}),
    ...(r.features ? { features: rawVersionOf(r.features) } : {}),
  });
}

/** The message's windows over the configured ones: any of train/delay/test days or end switches to the day windows. */
function windowsOf(r: RetrainRequest, configured: RetrainOptions['windows']): Pick<RetrainOptions, 'windows'> {
  const asked = r.train_days ?? r.delay_days ?? r.test_days ?? r.end;
  if (asked === undefined) return {};
  const end = r.end ?? configured?.end;
  return {
    windows: {
      trainDays: r.train_days ?? configured?.trainDays ?? 7,
      delayDays: r.delay_days ?? configured?.delayDays ?? 7,
      testDays: r.test_days ?? configured?.testDays ?? 7,
      ...(end ? { end } : {}),
    },
  };
}

export const retrainRoute = cloudEventRoute(
  'retrain',
  () => processRuntime().config.eventMaxBodyBytes,
  (event) => onScheduledMessage(processRuntime(), event.data),
);

ff.cloudEvent('retrain', () => {
  throw notBehindEdge('retrain');
});
