// Entry point of review: the analysts' queue as an HTTP function (functions-framework); thin over the core.
import * as ff from '@google-cloud/functions-framework';
import { processRuntime, type Runtime } from '../../shared/runtime.ts';
import { handleReview, type ReviewAnswer, type ReviewRequest } from './http.ts';
import { reviewQueue } from './queue.ts';
import { submitLabels } from './labels.ts';

export async function reviewHttp(rt: Runtime, req: ReviewRequest): Promise<ReviewAnswer> {
  const c = rt.config.review;
  return handleReview(req, {
    ...(rt.config.score.apiKey ? { apiKey: rt.config.score.apiKey } : {}),
    queue: async (day) =>
      reviewQueue(await rt.warehouse(), { cards: c.cards, historyPerCard: c.historyPerCard, ...(day ? { day } : {}) }),
    label: async (decision) => submitLabels(decision, { eventLog: await rt.eventLog(), now: () => new Date() }),
  });
}

ff.http('review', async (req, res) => {
  const answer = await reviewHttp(processRuntime(), {
    method: req.method,
    path: req.path,
    query: req.query as Record<string, unknown>,
    headers: req.headers,
    body: req.body as unknown,
  });
  res.status(answer.status).set(answer.headers).send(answer.body);
});
