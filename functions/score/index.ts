// Entry point of score: the HTTP function (functions-framework); the champion is loaded once per instance and swapped when it changes.
import * as ff from '@google-cloud/functions-framework';
import { processRuntime, type Runtime } from '../../shared/runtime.ts';
import { tfReady } from '../../shared/model/tf-backend.ts';
import { handleScore, type HttpAnswer, type HttpRequestLike } from './http.ts';
import { scoreBatch } from './score.ts';
import { CoalescingPublisher } from '../../shared/eventlog/coalescing-publisher.ts';
import { TOPICS } from '../../shared/topics.ts';

/** One verdict publisher per runtime: concurrent requests of an instance share their produces (group commit). */
const publishers = new WeakMap<Runtime, Promise<CoalescingPublisher>>();
function verdictPublisher(rt: Runtime): Promise<CoalescingPublisher> {
  let p = publishers.get(rt);
  if (!p) publishers.set(rt, (p = rt.eventLog().then((log) => new CoalescingPublisher(log, TOPICS.verdicts))));
  return p;
}

export async function scoreHttp(rt: Runtime, req: HttpRequestLike): Promise<HttpAnswer> {
  await tfReady();
  const c = rt.config.score;
  return handleScore(req, { maxBodyBytes: c.maxBodyBytes, maxBatch: c.maxBatch, ...(c.apiKey ? { apiKey: c.apiKey } : {}) }, async (batch) =>
    scoreBatch(batch, { model: rt.modelEndpoint(), eventLog: await rt.eventLog(), verdicts: await verdictPublisher(rt), features: rt.featureState(), logger: rt.logger.child({ function: 'score' }) }, {
      reviewRatio: c.reviewRatio, fallbackVerdict: c.fallbackVerdict, reasons: 3, explainAll: true, source: 'http',
    }));
}

ff.http('score', async (req, res) => {
  const raw = (req as { rawBody?: Buffer }).rawBody ?? Buffer.from(typeof req.body === 'string' ? req.body : JSON.stringify(req.body ?? null));
  const answer = await scoreHttp(processRuntime(), { method: req.method, headers: req.headers, rawBody: raw });
  res.status(answer.status).json(answer.body);
});
