// Entry point of score: the HTTP function behind the edge (shared/http); the champion is loaded once per instance and swapped when it changes.
import * as ff from '@google-cloud/functions-framework';
import { processRuntime, type Runtime } from '../../shared/runtime.ts';
import type { Logger } from '../../shared/logger.ts';
import { apiKeyCheck } from '../../shared/http/api-key.ts';
import type { HttpAnswer } from '../../shared/http/answer.ts';
import { errorAnswer, sendAnswer } from '../../shared/http/answer.ts';
import type { EdgePolicy } from '../../shared/http/guard.ts';
import { notBehindEdge, type FunctionRoute } from '../../shared/http/function-route.ts';
import { handleScore } from './http.ts';
import { scoreBatch } from '../../shared/scoring/score.ts';

/** One child logger per runtime, not one per request. */
const loggers = new WeakMap<Runtime, Logger>();
function scoreLogger(rt: Runtime): Logger {
  let l = loggers.get(rt);
  if (!l) loggers.set(rt, (l = rt.logger.child({ function: 'score' })));
  return l;
}

/** `json`: the body as the edge parsed it, after the key and size checks. */
export async function scoreHttp(rt: Runtime, json: unknown): Promise<HttpAnswer> {
  const c = rt.config.score;
  const shadow = rt.shadowScoring()?.http(rt.config.shadow.httpShare);
  return handleScore(json, { maxBatch: c.maxBatch }, async (batch) =>
    scoreBatch(
      batch,
      {
        model: rt.modelEndpoint(),
        eventLog: await rt.eventLog(),
        verdicts: await rt.verdictPublisher(),
        features: rt.featureState(),
        rules: rt.currentRules(),
        logger: scoreLogger(rt),
        ...(shadow ? { shadow } : {}),
      },
      {
        reviewRatio: c.reviewRatio,
        maxFutureSkewSeconds: c.maxFutureSkewSeconds,
        fallbackVerdict: c.fallbackVerdict,
        reasons: 3,
        explainAll: true,
        source: 'http',
      },
    ),
  );
}

/** Built once per runtime: the key's digest is computed once, not per request. */
const policies = new WeakMap<Runtime, EdgePolicy>();
function scorePolicy(rt: Runtime): EdgePolicy {
  let p = policies.get(rt);
  if (!p) {
    const c = rt.config.score;
    p = {
      methods: ['POST'],
      contentTypes: ['application/json'],
      maxBodyBytes: c.maxBodyBytes,
      ...(c.apiKey ? { key: apiKeyCheck(c.apiKey) } : {}),
    };
    policies.set(rt, p);
  }
  return p;
}

export const scoreRoute: FunctionRoute = {
  name: 'score',
  policy: () => scorePolicy(processRuntime()),
  handle: (req) => scoreHttp(processRuntime(), req.json),
};

ff.http('score', (_req, res) => sendAnswer(res, errorAnswer(notBehindEdge('score')), true));
