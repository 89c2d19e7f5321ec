// The review queue behind the HTTP edge: its paths' policies, the API key (header, or a sign-in cookie), pages, statuses.
import { createHash, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import { issueLines } from '../../shared/schema/issues.ts';
import { errorAnswer, refusal, type HttpAnswer } from '../../shared/http/answer.ts';
import { presentedKey } from '../../shared/http/api-key.ts';
import type { EdgePolicy } from '../../shared/http/guard.ts';
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

export interface ReviewHandlers {
  readonly apiKey?: string;
  queue(day: string | undefined): Promise<ReviewQueue>;
  label(decision: LabelDecision): Promise<{ labelled: number }>;
}

const COOKIE = 'fraudflow_review';
const html = (status: number, page: string, headers: Record<string, string> = {}): HttpAnswer => ({
  status,
  body: null,
  html: page,
  headers: {
    'cache-control': 'no-store',
    // The page's own inline style and script only; nothing from elsewhere.
    'content-security-policy':
      "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'",
    ...headers,
  },
});
const json = (status: number, body: unknown): HttpAnswer => ({
  status,
  body,
  headers: { 'cache-control': 'no-store' },
});

/** Compared as digests: equal length whatever was sent, so the time taken says nothing of the key. */
const digest = (s: string) => createHash('sha256').update(s).digest();
const same = (a: string, b: string) => timingSafeEqual(digest(a), digest(b));
/** The cookie holds a digest of the key, never the key itself. */
const sessionOf = (key: string) => createHash('sha256').update(`fraudflow-review:${key}`).digest('hex');

function header(req: Pick<ReviewRequest, 'headers'>, name: string): string | undefined {
  const v = req.headers[name];
  return typeof v === 'string' ? v : undefined;
}

function authorised(req: Pick<ReviewRequest, 'headers'>, key: string): boolean {
  // The header grammar of every HTTP function (x-api-key, or Authorization: Bearer); a browser's cookie otherwise.
  const given = presentedKey(req.headers);
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

export async function handleReview(req: ReviewRequest, h: ReviewHandlers): Promise<HttpAnswer> {
  try {
    if (h.apiKey && req.method === 'POST' && req.path === '/login') return login(req, h.apiKey);
    if (h.apiKey && !authorised(req, h.apiKey))
      return req.method === 'GET' ? html(401, LOGIN) : refusal('UNAUTHORIZED', 'missing or wrong API key');
    if (req.method === 'GET' && (req.path === '/' || req.path === '')) {
      const q = DayQuery.safeParse(req.query);
      if (!q.success) return refusal('INPUT_INVALID', issueLines(q.error, 'day').join('; '));
      return html(200, queuePage(await h.queue(q.data.day)));
    }
    if (req.method === 'POST' && req.path === '/label') {
      const d = LabelDecision.safeParse(formOrJson(req.body));
      if (!d.success) return refusal('INPUT_INVALID', issueLines(d.error, '').join('; '));
      return json(200, await h.label(d.data));
    }
    return refusal('NOT_FOUND', 'GET / for the queue, POST /label to label');
  } catch (e) {
    return errorAnswer(e);
  }
}

function login(req: ReviewRequest, key: string): HttpAnswer {
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
    body: null,
    html: '',
  };
}

/** A form posts one id as a string and several as an array; JSON posts the array. */
function formOrJson(body: unknown): unknown {
  if (typeof body !== 'object' || body === null) return body;
  const b = body as Record<string, unknown>;
  return typeof b.transaction_ids === 'string' ? { ...b, transaction_ids: [b.transaction_ids] } : b;
}

const FORM = 'application/x-www-form-urlencoded';

/**
 * What the edge checks before a body is read, per path: the sign-in form is the one keyless POST (a few bytes);
 * labels need the key (header or cookie) before their body is read; pages are GETs without a body.
 */
export function reviewPolicy(apiKey: string | undefined, target: { method: string; path: string }): EdgePolicy {
  if (target.method === 'POST' && target.path === '/login')
    return { methods: ['POST'], contentTypes: [FORM], maxBodyBytes: 4096 };
  const key =
    apiKey === undefined ? {} : { key: (headers: ReviewRequest['headers']) => authorised({ headers }, apiKey) };
  if (target.method === 'POST')
    return { methods: ['POST'], contentTypes: ['application/json', FORM], maxBodyBytes: 64 * 1024, ...key };
  // A page: the handler itself answers a missing key with the sign-in page rather than a JSON 401.
  return { methods: [], bodyless: ['GET'], contentTypes: [], maxBodyBytes: 0 };
}
