// The review queue's HTTP edge: the key before anything else, a sign-in cookie that is not the key, validation, statuses.
import { describe, expect, it } from 'vitest';
import { handleReview, type ReviewHandlers, type ReviewRequest } from '../../functions/review/http.ts';
import type { LabelDecision } from '../../functions/review/labels.ts';
import { labelMessages } from '../../functions/review/labels.ts';
import { FraudflowError } from '../../shared/errors.ts';

const KEY = 'the-review-key-0123456789';
const decisions: LabelDecision[] = [];
const handlers: ReviewHandlers = {
  apiKey: KEY,
  queue: async (day) => ({ day: day ?? '2026-04-02', days: [], cards: [] }),
  label: async (d) => {
    decisions.push(d);
    return { labelled: d.transaction_ids.length };
  },
};
const req = (over: Partial<ReviewRequest>): ReviewRequest => ({
  method: 'GET',
  path: '/',
  query: {},
  headers: {},
  body: undefined,
  ...over,
});

describe('review HTTP edge', () => {
  it.each([
    [{}, 401],
    [{ 'x-api-key': 'wrong' }, 401],
    [{ 'x-api-key': KEY.slice(0, -1) + 'X' }, 401],
    [{ authorization: KEY }, 401], // a bare key without Bearer is not accepted
    [{ authorization: `Bearer ${KEY}` }, 200],
    [{ 'x-api-key': KEY }, 200],
  ])('answers GET with headers %j by %i', async (headers, status) => {
    expect((await handleReview(req({ headers }), handlers)).status).toBe(status);
  });

  it('signs in with the key as a cookie holding a digest, never the key, HttpOnly and SameSite=Strict', async () => {
    const wrong = await handleReview(req({ method: 'POST', path: '/login', body: { key: 'nope' } }), handlers);
    expect(wrong.status).toBe(401);
    const ok = await handleReview(req({ method: 'POST', path: '/login', body: { key: KEY } }), handlers);
    expect(ok.status).toBe(303);
    const cookie = ok.headers!['set-cookie']!;
    expect(cookie).toMatch(/HttpOnly; SameSite=Strict/);
    expect(cookie).not.toContain(KEY);
    const session = cookie.split(';')[0]!;
    expect((await handleReview(req({ headers: { cookie: session } }), handlers)).status).toBe(200);
    expect((await handleReview(req({ headers: { cookie: session + 'x' } }), handlers)).status).toBe(401);
  });

  it('refuses a malformed decision with 400 listing why, and takes a form post of one id', async () => {
    const auth = { 'x-api-key': KEY };
    for (const body of [
      {},
      { transaction_ids: [], decision: 'fraud', analyst: 'ana' },
      { transaction_ids: ['t1'], decision: 'maybe', analyst: 'ana' },
      { transaction_ids: ['t1'], decision: 'fraud', analyst: 'ana <script>' },
      { transaction_ids: ['t1'], decision: 'fraud', analyst: 'ana', extra: 1 },
      'not an object',
    ]) {
      const a = await handleReview(req({ method: 'POST', path: '/label', headers: auth, body }), handlers);
      expect(a.status).toBe(400);
      expect((a.body as { code: string }).code).toBe('INPUT_INVALID');
    }
    const form = { transaction_ids: 't1', decision: 'genuine', analyst: 'ana' };
    const a = await handleReview(req({ method: 'POST', path: '/label', headers: auth, body: form }), handlers);
    expect(a.body).toEqual({ labelled: 1 });
    expect(decisions.at(-1)).toEqual({ transaction_ids: ['t1'], decision: 'genuine', analyst: 'ana' });
  });

  it('answers an unknown route 404, a bad day 400, and a failure as JSON without internals', async () => {
    const auth = { 'x-api-key': KEY };
    expect((await handleReview(req({ path: '/admin', headers: auth }), handlers)).status).toBe(404);
    expect((await handleReview(req({ query: { day: '2026-4-2' }, headers: auth }), handlers)).status).toBe(400);
    const failing: ReviewHandlers = {
      ...handlers,
      queue: async () => {
        throw new Error('/srv/secret/path.duckdb: disk I/O error');
      },
    };
    const a = await handleReview(req({ headers: auth }), failing);
    expect(a.status).toBe(500);
    expect(JSON.stringify(a.body)).not.toMatch(/srv|duckdb|at /);
    const busy: ReviewHandlers = {
      ...handlers,
      queue: async () => {
        throw new FraudflowError('WAREHOUSE_BUSY', 'the warehouse is busy');
      },
    };
    expect((await handleReview(req({ headers: auth }), busy)).status).toBe(503);
  });

  it('gives each label an id a label file would give the same row, who decided and when', () => {
    const at = new Date('2026-04-02T12:30:00.123Z');
    const [m] = labelMessages({ transaction_ids: ['t1', 't1'].slice(0, 1), decision: 'fraud', analyst: 'ana' }, at);
    const envelope = JSON.parse(String(m!.value));
    expect(envelope.payload).toEqual({
      transaction_id: 't1',
      label: 1,
      source: 'review',
      labelled_at: '2026-04-02T12:30:00Z',
      labelled_by: 'ana',
    });
    expect(envelope.id).toMatch(/^[0-9a-f]{32}$/);
    expect(labelMessages({ transaction_ids: ['t1', 't1'], decision: 'fraud', analyst: 'ana' }, at)).toHaveLength(1);
  });
});
