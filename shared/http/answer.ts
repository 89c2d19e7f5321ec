// HTTP answers of the edge: errors mapped to statuses in one place, JSON bodies with no stack, no absolute path.
import type { ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { homedir, tmpdir } from 'node:os';
import { FraudflowError, isFraudflowError } from '../errors.ts';
import type { Logger } from '../logger.ts';

export interface HttpAnswer {
  readonly status: number;
  /** Sent as JSON, unless `html` is set. */
  readonly body: unknown;
  /** A page to send as text/html instead of the JSON body. */
  readonly html?: string;
  readonly headers?: Readonly<Record<string, string>>;
}

const ROOTS = [...new Set([process.cwd(), tmpdir(), homedir(), '/workspace', '/app', '/tmp', '/home', '/usr', '/var'])]
  .filter((r) => r.length > 1)
  .map((r) => r.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
const ABSOLUTE = new RegExp(`(?:${ROOTS.join('|')})(?:/[^\\s'"\`:,;()]*)?`, 'g');

/** A message fit for a client: a local absolute path keeps only its last segment. */
export function withoutPaths(message: string): string {
  return message.replace(ABSOLUTE, (p) => `…/${p.split('/').filter(Boolean).pop() ?? ''}`);
}

/**
 * The answer for anything thrown behind the edge. A FraudflowError keeps its status, code and message (paths
 * removed) and any listed issues; anything else is a 500 that says no more than that, and is logged whole.
 */
export function errorAnswer(e: unknown, logger?: Logger): HttpAnswer {
  if (isFraudflowError(e)) {
    if (e.httpStatus >= 500) logger?.error('request failed', { error: e });
    const issues = (e.details as { issues?: unknown }).issues;
    return {
      status: e.httpStatus,
      body: { error: withoutPaths(e.message), code: e.code, ...(Array.isArray(issues) ? { issues } : {}) },
    };
  }
  logger?.error('request failed', { error: e });
  return { status: 500, body: { error: 'internal error', code: 'INTERNAL' } };
}

export function refusal(code: FraudflowError['code'], message: string): HttpAnswer {
  return errorAnswer(new FraudflowError(code, message));
}

/**
 * Node closes a `Connection: close` response's socket the moment the answer is written; unread upload bytes then
 * make the kernel reset the connection, and a client still sending loses the answer (EPIPE, not 413). So the
 * socket half-closes after the answer and drops what still arrives (nothing is kept) for at most `ms`.
 */
function closeAfterLinger(socket: Socket, ms: number): void {
  socket.destroySoon = function (this: Socket) {
    if (this.writable) this.end();
    const timer = setTimeout(() => this.destroy(), ms);
    timer.unref();
    this.once('close', () => clearTimeout(timer));
    this.once('end', () => this.destroy());
    this.resume();
  };
}

/**
 * Writes a JSON answer. `close` ends the connection after it: used when the body was not read (or not all of
 * it), so the server neither reads the rest of a refused body nor keeps its connection.
 */
export function sendAnswer(res: ServerResponse, answer: HttpAnswer, close = false): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  if (close && res.socket) closeAfterLinger(res.socket, 2000);
  const html = answer.html !== undefined;
  const payload = answer.status === 204 ? '' : html ? answer.html! : JSON.stringify(answer.body ?? null);
  res.writeHead(answer.status, {
    ...answer.headers,
    'content-type': html ? 'text/html; charset=utf-8' : 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(payload),
    ...(close ? { connection: 'close' } : {}),
  });
  res.end(payload);
}
