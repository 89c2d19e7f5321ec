// Entry points of score-stream: the scheduled CloudEvent handler, the Pub/Sub push handler and the CLI; thin over the cores.
import * as ff from '@google-cloud/functions-framework';
import { cloudEventRoute, notBehindEdge } from '../../shared/http/function-route.ts';
import { processRuntime, type Runtime } from '../../shared/runtime.ts';
import { scoreStream, type ScoreStreamOptions, type ScoreStreamSummary } from './score-stream.ts';
import { pubsubPushRoute } from '../../shared/http/push-route.ts';
import type { PushBody } from '../../shared/schema/pubsub-push.ts';
import { scorePushed, type PushSummary } from './push.ts';

/** Every streamed transaction is scored by the shadow too, before its offsets are committed or its push acknowledged. */
const shadowOf = (rt: Runtime) => {
  const s = rt.shadowScoring();
  return s ? { shadow: s.stream } : {};
};

export async function scoreStreamWith(
  rt: Runtime,
  overrides: Partial<ScoreStreamOptions> = {},
): Promise<ScoreStreamSummary> {
  return scoreStream(
    {
      eventLog: await rt.eventLog(),
      model: rt.modelEndpoint(),
      features: rt.featureState(),
      rules: rt.currentRules(),
      logger: rt.logger.child({ function: 'score-stream' }),
      ...shadowOf(rt),
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

/** One pushed transaction; concurrent requests of an instance share their verdict produces. */
export async function scoreStreamPushWith(rt: Runtime, body: PushBody): Promise<PushSummary> {
  const c = rt.config.score;
  return scorePushed(
    {
      eventLog: await rt.eventLog(),
      model: rt.modelEndpoint(),
      features: rt.featureState(),
      verdicts: await rt.verdictPublisher(),
      rules: rt.currentRules(),
      logger: rt.logger.child({ function: 'score-stream-push' }),
      ...shadowOf(rt),
    },
    body,
    {
      reviewRatio: c.reviewRatio,
      maxFutureSkewSeconds: c.maxFutureSkewSeconds,
      fallbackVerdict: c.fallbackVerdict,
      reasons: 3,
    },
  );
}

export const scoreStreamPushRoute = pubsubPushRoute(
  'score-stream-push',
  () => processRuntime().config.eventMaxBodyBytes,
  (body) => scoreStreamPushWith(processRuntime(), body),
);

ff.cloudEvent('score-stream-push', () => {
  throw notBehindEdge('score-stream-push');
});
