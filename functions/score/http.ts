// The score request behind the HTTP edge: zod validation with every issue listed, single or batch, then the verdicts.
import { type z } from 'zod';
import type { HttpAnswer } from '../../shared/http/answer.ts';
import type { Verdict } from '../../shared/schema/verdict.ts';
import {
  KaggleScoreRequest,
  RawScoreRequest,
  requestFormat,
  type ScoreBatch,
  type ScoreResponse,
} from '../../shared/scoring/request.ts';

export interface ScoreHttpOptions {
  readonly maxBatch: number;
}

export type ScoreFn = (batch: ScoreBatch) => Promise<Verdict[]>;

function issuesOf(error: z.ZodError, prefix = ''): Array<{ field: string; message: string }> {
  return error.issues.map((i) => ({ field: prefix + (i.path.join('.') || '(body)'), message: i.message }));
}

/** `json` is the body the HTTP edge (shared/http) parsed after checking the method, key, content type and size. */
export async function handleScore(json: unknown, options: ScoreHttpOptions, score: ScoreFn): Promise<HttpAnswer> {
  const started = performance.now();
  const batch = Array.isArray(json);
  const items = batch ? (json as unknown[]) : [json];
  if (items.length === 0 || items.length > options.maxBatch)
    return {
      status: 400,
      body: {
        error: `a batch holds 1 to ${options.maxBatch} transactions, got ${items.length}`,
        code: 'INPUT_INVALID',
      },
    };
  const format = requestFormat(items[0]);
  const issues: Array<{ field: string; message: string }> = [];
  const parseAll = <T>(schema: z.ZodType<T>): T[] => {
    const out: T[] = [];
    items.forEach((item, i) => {
      const at = batch ? `[${i}].` : '';
      if (requestFormat(item) !== format) {
        issues.push({
          field: `${at}(body)`,
          message: `a batch holds one format: item 0 is ${format}, this one is not`,
        });
        return;
      }
      const r = schema.safeParse(item);
      if (r.success) out.push(r.data);
      else issues.push(...issuesOf(r.error, at));
    });
    return out;
  };
  const request: ScoreBatch =
    format === 'raw' ? { format, txs: parseAll(RawScoreRequest) } : { format, txs: parseAll(KaggleScoreRequest) };
  if (issues.length)
    return { status: 400, body: { error: `invalid ${format} transaction`, code: 'INPUT_INVALID', issues } };
  // A failure (an event log outage: 503) is thrown to the edge, which maps it to its status in one place.
  const verdicts = await score(request);
  const latency = Math.round((performance.now() - started) * 100) / 100;
  const answers: ScoreResponse[] = verdicts.map((v) => ({
    transaction_id: v.transaction_id,
    probability: v.probability,
    verdict: v.verdict,
    threshold: v.threshold,
    model_version: v.model_version,
    reasons: v.reasons,
    latency_ms: latency,
    ...(v.fallback ? { fallback: true } : {}),
    ...(v.rules ? { rules: v.rules, decided_by: v.decided_by, model_verdict: v.model_verdict } : {}),
  }));
  return { status: 200, body: batch ? answers : answers[0] };
}
