// Entry points of score-stream: the scheduled CloudEvent handler and the CLI; thin over the core.
import * as ff from '@google-cloud/functions-framework';
import { tfReady } from '../../shared/model/tf-backend.ts';
import { cloudEventRoute, notBehindEdge } from '../../shared/http/function-route.ts';
import { processRuntime, type Runtime } from '../../shared/runtime.ts';
import { scoreStream, type ScoreStreamOptions, type ScoreStreamSummary } from './score-stream.ts';

export async function scoreStreamWith(
  rt: Runtime,
  overrides: Partial<ScoreStreamOptions> = {},
): Promise<ScoreStreamSummary> {
  await tfReady();
  return scoreStream(
    {
      eventLog: await rt.eventLog(),
      model: rt.modelEndpoint(),
      features: rt.featureState(),
      rules: rt.currentRules(),
      logger: rt.logger.child({ function: 'score-stream' }),
    },
    {
      group: 'fraudflow-score-stream',
      batchSize: 10_000,
      // Its own budget (FRAUDFLOW_SCORE_STREAM_MAX_*): scoring a row costs more than sinking one.
      maxRows: rt.config.scoreStream.maxRows,
      maxSeconds: rt.config.scoreStream.maxSeconds,
      reviewRatio: rt.config.score.reviewRatio,
      maxFutureSkewSeconds: rt.config.score.maxFutureSkewSeconds,
      fallbackVerdict: rt.config.score.fallbackVerdict,
      reasons: 3,
      ...overrides,
    },
  );
}

export const scoreStreamRoute = cloudEventRoute(
  'score-stream',
  () => processRuntime().config.eventMaxBodyBytes,
  () => scoreStreamWith(processRuntime()),
);

ff.cloudEvent('score-stream', () => {
  throw notBehindEdge('score-stream');
});
