// The score HTTP edge: API key, body size, zod validation with every issue listed, single or batch; maps errors to statuses.
import { timingSafeEqual } from 'node:crypto';
import { type z } from 'zod';
import { FraudflowError, isFraudflowError } from '../../shared/errors.ts';
import type { Verdict } from '../../shared/schema/verdict.ts';
import { KaggleScoreRequest, RawScoreRequest, requestFormat, type ScoreBatch, type ScoreResponse } from './request.ts';

export interface HttpRequestLike {
  readonly method: string;
  readonly headers: Record<string, string | string[] | undefined>;
  /** The body as received, before any parsing. */
  readonly rawBody: Buffer;
}

export interface HttpAnswer {
  readonly status: number;
  readonly body: unknown;
}

export interface ScoreHttpOptions {
  readonly apiKey?: string;
  readonly maxBodyBytes: number;
  readonly maxBatch: number;
}

export type ScoreFn = (batch: ScoreBatch) => Promise<Verdict[]>;

function keyMatches(given: string | undefined, expected: string): boolean {
  if (!given) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

function issuesOf(error: z.ZodError, prefix = ''): Array<{ field: string; message: string }> {
  return error.issues.map((i) => ({ field: prefix + (i.path.join('.') || '(body)'), message: i.message }));
}

export async function handleScore(
  req: HttpRequestLike,
  options: ScoreHttpOptions,
  score: ScoreFn,
): Promise<HttpAnswer> {
  const started = performance.now();
  if (req.method !== 'POST')
    return {
      status: 405,
      body: { error: 'use POST with a JSON transaction (Kaggle or raw format) or an array of them' },
    };
  if (options.apiKey) {
    const header = req.headers['x-api-key'];
    const bearer = String(req.headers.authorization ?? '').replace(/^Bearer /, '');
    if (!keyMatches(typeof header === 'string' ? header : bearer || undefined, options.apiKey))
      return { status: 401, body: { error: 'missing or wrong API key (x-api-key header)' } };
  }
  if (req.rawBody.length > options.maxBodyBytes)
    return {
      status: 413,
      body: { error: `body is ${req.rawBody.length} bytes; the limit is ${options.maxBodyBytes}` },
    };
  let json: unknown;
  try {
    json = JSON.parse(req.rawBody.toString('utf8'));
  } catch (e) {
    return { status: 400, body: { error: 'body is not JSON', detail: (e as Error).message } };
  }
  const batch = Array.isArray(json);
  const items = batch ? (json as unknown[]) : [json];
  if (items.length === 0 || items.length > options.maxBatch)
    return { status: 400, body: { error: `a batch holds 1 to ${options.maxBatch} transactions, got ${items.length}` } };
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
  if (issues.length) return { status: 400, body: { error: `invalid ${format} transaction`, issues } };
  try {
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
    }));
    return { status: 200, body: batch ? answers : answers[0] };
  } catch (e) {
    const err = isFraudflowError(e) ? e : new FraudflowError('INTERNAL', (e as Error).message);
    return { status: err.httpStatus, body: { error: err.message, code: err.code } };
  }
}
