// Entry point of review: the analysts' queue as an HTTP function behind the edge (shared/http); thin over the core.
import * as ff from '@google-cloud/functions-framework';
import { processRuntime, type Runtime } from '../../shared/runtime.ts';
import type { HttpAnswer } from '../../shared/http/answer.ts';
import { errorAnswer, sendAnswer } from '../../shared/http/answer.ts';
import type { EdgeRequest } from '../../shared/http/guard.ts';
import { notBehindEdge, type FunctionRoute } from '../../shared/http/function-route.ts';
import { handleReview, reviewPolicy } from './http.ts';
import { reviewQueue } from './queue.ts';
import { submitLabels } from './labels.ts';

export async function reviewHttp(rt: Runtime, req: EdgeRequest): Promise<HttpAnswer> {
  const c = rt.config.review;
  return handleReview(
    { method: req.method, path: req.path, query: req.query, headers: req.headers, body: req.json },
    {
      ...(rt.config.score.apiKey ? { apiKey: rt.config.score.apiKey } : {}),
      queue: async (day) =>
        reviewQueue(await rt.warehouse(), {
          cards: c.cards,
          historyPerCard: c.historyPerCard,
          ...(day ? { day } : {}),
        }),
      label: async (decision) => submitLabels(decision, { eventLog: await rt.eventLog(), now: () => new Date() }),
    },
  );
}

export const reviewRoute: FunctionRoute = {
  name: 'review',
  policy: (target) => reviewPolicy(processRuntime().config.score.apiKey, target),
  handle: (req) => reviewHttp(processRuntime(), req),
};

ff.http('review', (_req, res) => sendAnswer(res, errorAnswer(notBehindEdge('review')), true));
