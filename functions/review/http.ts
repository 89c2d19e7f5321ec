// The review queue's HTTP edge: the API key (header, or a cookie set by the login form), routes, validation, statuses.
import { createHash, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import { FraudflowError, isFraudflowError } from '../../shared/errors.ts';
import { issueLines } from '../../shared/schema/issues.ts';
import { LabelDecision } from './labels.ts';
import { queuePage } from './page.ts';
import type { ReviewQueue } from './queue.ts';

export interface ReviewRequest {
  readonly method: string;
  /** The path below the function's URL, e.g. "/" or "/label". */
  readonly path: string;
  readonly query: Readonly<Record<string, unknown>>;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  /** The parsed body (JSON or a form), or undefined. */
  readonly body: unknown;
}

export interface ReviewAnswer {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

export interface ReviewHandlers {
  readonly apiKey?: string;
  queue(day: string | undefined): Promise<ReviewQueue>;
  label(decision: LabelDecision): Promise<{ labelled: number }>;
}

const COOKIE = 'fraudflow_review';
const html = (status: number, body: string, headers: Record<string, string> = {}): ReviewAnswer => ({
  status,
  headers: {
    'content-type': 'text/html; charset=utf-8',
    'cache-control': 'no-store',
    // The page's own inline style and script only; nothing from elsewhere.
    'content-security-policy':
      "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'",
    ...headers,
  },
  body,
});
const json = (status: number, body: unknown): ReviewAnswer => ({
  status,
  headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' },
  body: JSON.stringify(body),
});
const errorJson = (e: FraudflowError) => json(e.httpStatus, { error: { code: e.code, message: e.message } });

/** Compared as digests: equal length whatever was sent, so the time taken says nothing of the key. */
const digest = (s: string) => createHash('sha256').update(s).digest();
const same = (a: string, b: string) => timingSafeEqual(digest(a), digest(b));
/** The cookie holds a digest of the key, never the key itself. */
const sessionOf = (key: string) => createHash('sha256').update(`fraudflow-review:${key}`).digest('hex');

function header(req: ReviewRequest, name: string): string | undefined {
  const v = req.headers[name];
  return typeof v === 'string' ? v : undefined;
}

function authorised(req: ReviewRequest, key: string): boolean {
  const given = header(req, 'x-api-key') ?? /^Bearer (.+)$/.exec(header(req, 'authorization') ?? '')?.[1];
  if (given !== undefined) return same(given, key);
  const cookie = (header(req, 'cookie') ?? '')
    .split(';')
    .map((c) => c.trim())
    .find((c) => c.startsWith(`${COOKIE}=`));
  return cookie !== undefined && same(cookie.slice(COOKIE.length + 1), sessionOf(key));
}

const LOGIN = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>fraudflow review queue: sign in</title></head>
<body style="font:14px system-ui;margin:40px"><h1>Review queue</h1><form method="post" action="login">
<label>API key <input name="key" type="password" autocomplete="current-password" required autofocus></label>
<button type="submit">Sign in</button></form></body></html>`;

const DayQuery = z.object({
  day: z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}$/, 'expected YYYY-MM-DD')
    .optional(),
});

export async function handleReview(req: ReviewRequest, h: ReviewHandlers): Promise<ReviewAnswer> {
  try {
    if (h.apiKey && req.method === 'POST' && req.path === '/login') return login(req, h.apiKey);
    if (h.apiKey && !authorised(req, h.apiKey))
      return req.method === 'GET'
        ? html(401, LOGIN)
        : json(401, { error: { code: 'UNAUTHORIZED', message: 'missing or wrong API key' } });
    if (req.method === 'GET' && (req.path === '/' || req.path === '')) {
      const q = DayQuery.safeParse(req.query);
      if (!q.success)
        return json(400, { error: { code: 'INPUT_INVALID', message: issueLines(q.error, 'day').join('; ') } });
      return html(200, queuePage(await h.queue(q.data.day)));
    }
    if (req.method === 'POST' && req.path === '/label') {
      const d = LabelDecision.safeParse(formOrJson(req.body));
      if (!d.success)
        return json(400, { error: { code: 'INPUT_INVALID', message: issueLines(d.error, '').join('; ') } });
      return json(200, await h.label(d.data));
    }
    return json(404, { error: { code: 'NOT_FOUND', message: 'GET / for the queue, POST /label to label' } });
  } catch (e) {
    return errorJson(isFraudflowError(e) ? e : new FraudflowError('INTERNAL', 'the review queue failed'));
  }
}

function login(req: ReviewRequest, key: string): ReviewAnswer {
  const given = (req.body as { key?: unknown } | undefined)?.key;
  if (typeof given !== 'string' || !same(given, key)) return html(401, LOGIN);
  const secure = header(req, 'x-forwarded-proto') === 'https' ? '; Secure' : '';
  return {
    status: 303,
    headers: {
      location: './',
      'set-cookie': `${COOKIE}=${sessionOf(key)}; HttpOnly; SameSite=Strict; Path=/${secure}`,
      'cache-control': 'no-store',
    },
    body: '',
  };
}

/** A form posts one id as a string and several as an array; JSON posts the array. */
function formOrJson(body: unknown): unknown {
  if (typeof body !== 'object' || body === null) return body;
  const b = body as Record<string, unknown>;
  return typeof b.transaction_ids === 'string' ? { ...b, transaction_ids: [b.transaction_ids] } : b;
}
