// The HTTP edge of a function: method, API key, content type and declared length checked before any body byte is
// read, then the body read under a cap and parsed as JSON; only then is the handler called.
import type { IncomingHttpHeaders, IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import { FraudflowError } from '../errors.ts';
import type { Logger } from '../logger.ts';
import type { KeyCheck } from './api-key.ts';
import { errorAnswer, refusal, sendAnswer, type HttpAnswer } from './answer.ts';
import { declaredLength, readBody, tooLarge } from './body.ts';
import { contentTypeProblem } from './content-type.ts';
import { parseBody } from './json.ts';

export interface EdgePolicy {
  /** Methods that carry a body to the handler (POST). */
  readonly methods: readonly string[];
  /** Methods served without a body (GET of a page): a body sent with them is refused, none is read. */
  readonly bodyless?: readonly string[];
  /** Set: the request must present this key before anything else about it is looked at. */
  readonly key?: KeyCheck;
  /** Media types accepted (UTF-8 or no charset). */
  readonly contentTypes: readonly string[];
  readonly maxBodyBytes: number;
}

export interface EdgeRequest {
  readonly method: string;
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
  /** The query string's parameters (the last value of a repeated one). */
  readonly query: Readonly<Record<string, string>>;
  /** The parsed body: JSON, or a form's fields (a repeated field as an array); undefined for a bodyless method. */
  readonly json: unknown;
  /** Its bytes, as received. */
  readonly raw: Buffer;
}

export type EdgeHandler = (req: EdgeRequest) => Promise<HttpAnswer>;

export interface EdgeRoute {
  /**
   * Resolved per request (a route may give each of its paths its own): a route whose configuration is invalid
   * refuses with 500 before reading anything.
   */
  policy(target: { readonly method: string; readonly path: string }): EdgePolicy;
  handle: EdgeHandler;
}

/** The refusal owed before the body is read, if any. */
export function preBodyRefusal(req: IncomingMessage, policy: EdgePolicy): HttpAnswer | undefined {
  const method = req.method ?? '';
  const bodyless = policy.bodyless ?? [];
  if (!policy.methods.includes(method) && !bodyless.includes(method))
    return {
      ...refusal(
        'METHOD_NOT_ALLOWED',
        `use ${[...bodyless, ...policy.methods].join(' or ')}, not ${method.slice(0, 16)}`,
      ),
      headers: { allow: [...bodyless, ...policy.methods].join(', ') },
    };
  if (policy.key && !policy.key(req.headers))
    return {
      ...refusal('UNAUTHORIZED', 'missing or wrong API key (send x-api-key: <key> or Authorization: Bearer <key>)'),
      headers: { 'www-authenticate': 'Bearer' },
    };
  if (bodyless.includes(method))
    return hasBody(req) ? refusal('INPUT_INVALID', `${method.slice(0, 16)} takes no body`) : undefined;
  const typeProblem = contentTypeProblem(req.headers['content-type'], policy.contentTypes);
  if (typeProblem) return refusal('UNSUPPORTED_MEDIA_TYPE', typeProblem);
  const declared = declaredLength(req);
  if (Number.isNaN(declared)) return refusal('INPUT_INVALID', 'the Content-Length header is not a length');
  if (declared !== undefined && declared > policy.maxBodyBytes)
    return errorAnswer(tooLarge(policy.maxBodyBytes, declared));
  return undefined;
}

function hasBody(req: IncomingMessage): boolean {
  const declared = declaredLength(req);
  return req.headers['transfer-encoding'] !== undefined || (declared !== undefined && declared !== 0);
}

function pathOf(req: IncomingMessage): string {
  const url = req.url ?? '/';
  const q = url.indexOf('?');
  return q < 0 ? url : url.slice(0, q);
}

function queryOf(req: IncomingMessage): Record<string, string> {
  const url = req.url ?? '/';
  const q = url.indexOf('?');
  return q < 0 ? {} : Object.fromEntries(new URLSearchParams(url.slice(q + 1)));
}

/** A node:http request listener that runs the edge, then the route's handler; every answer is JSON. */
export function edgeListener(route: EdgeRoute, logger: Logger): RequestListener {
  return (req: IncomingMessage, res: ServerResponse) => {
    void serveOne(route, logger, req, res);
  };
}

async function serveOne(route: EdgeRoute, logger: Logger, req: IncomingMessage, res: ServerResponse): Promise<void> {
  let policy: EdgePolicy;
  try {
    policy = route.policy({ method: req.method ?? '', path: pathOf(req) });
  } catch (e) {
    // A route not ready yet (the model server loading) says so without an error log per request.
    const quiet = e instanceof FraudflowError && e.retriable;
    return sendAnswer(res, errorAnswer(e, quiet ? undefined : logger), true);
  }
  const refused = preBodyRefusal(req, policy);
  if (refused) {
    logger.info('http: refused before reading the body', {
      status: refused.status,
      method: req.method,
      content_length: req.headers['content-length'],
    });
    return sendAnswer(res, refused, true);
  }
  const withBody = !(policy.bodyless ?? []).includes(req.method ?? '');
  // The key and the length passed: only now may a client that waits for it send the body.
  if (withBody && /^100-continue$/i.test(req.headers.expect ?? '')) res.writeContinue();
  let raw: Buffer = Buffer.alloc(0);
  try {
    if (withBody) raw = await readBody(req, policy.maxBodyBytes);
  } catch (e) {
    const answer = errorAnswer(e);
    logger.info('http: refused while reading the body', { status: answer.status, method: req.method });
    return sendAnswer(res, answer, true);
  }
  const parsed = withBody ? parseBody(raw, req.headers['content-type']) : ({ ok: true, json: undefined } as const);
  if (!parsed.ok) return sendAnswer(res, parsed.answer);
  let answer: HttpAnswer;
  try {
    answer = await route.handle({
      method: req.method!,
      path: pathOf(req),
      query: queryOf(req),
      headers: req.headers,
      json: parsed.json,
      raw,
    });
  } catch (e) {
    answer = errorAnswer(e, logger);
  }
  sendAnswer(res, answer);
}
