// Entry points of retrain: the nightly Cloud Scheduler -> Pub/Sub CloudEvent handler and the CLI; thin over the core.
import * as ff from '@google-cloud/functions-framework';
import { tfReady } from '../../shared/model/tf-backend.ts';
import { processRuntime, type Runtime } from '../../shared/runtime.ts';
import { retrain, type RetrainOptions, type RetrainResult } from './retrain.ts';

export async function retrainWith(rt: Runtime, overrides: Partial<RetrainOptions> = {}): Promise<RetrainResult> {
  await tfReady();
  const c = rt.config.retrain;
  return retrain({ warehouse: await rt.warehouse(), registry: rt.models(), logger: rt.logger.child({ function: 'retrain' }) }, {
    validationFraction: c.validationFraction, gapSeconds: c.gapSeconds, thresholdRule: c.thresholdRule, promotionMargin: c.promotionMargin,
    models: ['logistic-regression', 'mlp'], maxEpochs: c.maxEpochs, seed: c.seed, ...(c.format ? { format: c.format } : {}), ...overrides,
  });
}

ff.cloudEvent('retrain', async () => {
  await retrainWith(processRuntime());
});
