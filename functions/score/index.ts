// Entry point of score: the HTTP function (functions-framework); the champion is loaded once per instance and swapped when it changes.
import * as ff from '@google-cloud/functions-framework';
import { processRuntime, type Runtime } from '../../shared/runtime.ts';
import { tfReady } from '../../shared/model/tf-backend.ts';
import { handleScore, type HttpAnswer, type HttpRequestLike } from './http.ts';
import { scoreBatch } from './score.ts';

export async function scoreHttp(rt: Runtime, req: HttpRequestLike): Promise<HttpAnswer> {
  await tfReady();
  const c = rt.config.score;
  return handleScore(
    req,
    { maxBodyBytes: c.maxBodyBytes, maxBatch: c.maxBatch, ...(c.apiKey ? { apiKey: c.apiKey } : {}) },
    async (batch) =>
      scoreBatch(
        batch,
        {
          model: rt.modelEndpoint(),
          eventLog: await rt.eventLog(),
          verdicts: await rt.verdictPublisher(),
          features: rt.featureState(),
          logger: rt.logger.child({ function: 'score' }),
        },
        {
          reviewRatio: c.reviewRatio,
          fallbackVerdict: c.fallbackVerdict,
          reasons: 3,
          explainAll: true,
          source: 'http',
        },
      ),
  );
}

ff.http('score', async (req, res) => {
  const raw =
    (req as { rawBody?: Buffer }).rawBody ??
    Buffer.from(typeof req.body === 'string' ? req.body : JSON.stringify(req.body ?? null));
  const answer = await scoreHttp(processRuntime(), { method: req.method, headers: req.headers, rawBody: raw });
  res.status(answer.status).json(answer.body);
});
