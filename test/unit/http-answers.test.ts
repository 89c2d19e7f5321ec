// What the edge says back: errors mapped to statuses in one place, no absolute path, no internal detail; CloudEvents
// read from either delivery mode.
import { describe, expect, it } from 'vitest';
import { tmpdir } from 'node:os';
import { FraudflowError } from '../../shared/errors.ts';
import { errorAnswer, withoutPaths } from '../../shared/http/answer.ts';
import { cloudEventOf } from '../../shared/http/cloudevent.ts';
import { parseJsonBody } from '../../shared/http/json.ts';

describe('error answers', () => {
  it('keeps a FraudflowError status, code and message; a client error is never a 500', () => {
    const cases: Array<[FraudflowError['code'], number]> = [
      ['INPUT_INVALID', 400],
      ['UNAUTHORIZED', 401],
      ['NOT_FOUND', 404],
      ['METHOD_NOT_ALLOWED', 405],
      ['PAYLOAD_TOO_LARGE', 413],
      ['UNSUPPORTED_MEDIA_TYPE', 415],
      ['FORMAT_MISMATCH', 422],
      ['EVENTLOG_UNAVAILABLE', 503],
    ];
    for (const [code, status] of cases) {
      const a = errorAnswer(new FraudflowError(code, 'why'));
      expect(a.status, code).toBe(status);
      expect(a.body).toEqual({ error: 'why', code });
    }
  });

  it('turns anything else into a bare 500 that tells nothing of the cause', () => {
    const a = errorAnswer(new TypeError(`Cannot read properties of undefined at ${process.cwd()}/x.ts:1:2`));
    expect(a).toEqual({ status: 500, body: { error: 'internal error', code: 'INTERNAL' } });
  });

  it('keeps listed issues and drops local absolute paths to their last segment', () => {
    const a = errorAnswer(
      new FraudflowError('NOT_FOUND', `${process.cwd()}/.data/uploads/day1.csv: no such object`, {
        issues: [{ field: 'x', message: 'y' }],
      }),
    );
    expect(a.body).toEqual({
      error: '…/day1.csv: no such object',
      code: 'NOT_FOUND',
      issues: [{ field: 'x', message: 'y' }],
    });
    expect(withoutPaths(`open '${tmpdir()}/a/b.json' failed`)).toBe("open '…/b.json' failed");
    expect(withoutPaths('no route /v1/models/m:predict')).toBe('no route /v1/models/m:predict');
    expect(withoutPaths('gs://bucket/incoming/day1.csv')).toBe('gs://bucket/incoming/day1.csv');
  });
});

describe('JSON bodies', () => {
  it('parses JSON, and refuses malformed JSON without quoting it', () => {
    expect(parseJsonBody(Buffer.from('[1,{"a":null}]'))).toEqual({ ok: true, json: [1, { a: null }] });
    const bad = parseJsonBody(Buffer.from('{"card":"4111111111111111",'));
    expect(bad.ok).toBe(false);
    expect(JSON.stringify(bad)).not.toContain('4111');
  });
});

describe('CloudEvents', () => {
  const ce = {
    'ce-specversion': '1.0',
    'ce-id': 'e-1',
    'ce-source': '//storage.googleapis.com/projects/_/buckets/b',
    'ce-type': 'google.cloud.storage.object.v1.finalized',
    'ce-subject': 'objects/a.csv',
  };

  it('reads a binary-mode event: context from ce-* headers, the body is the data', () => {
    const e = cloudEventOf(ce, { bucket: 'b', name: 'a.csv' });
    expect(e).toMatchObject({
      id: 'e-1',
      type: ce['ce-type'],
      subject: 'objects/a.csv',
      data: { bucket: 'b', name: 'a.csv' },
    });
  });

  it('reads a structured-mode event from the body', () => {
    const e = cloudEventOf({}, { specversion: '1.0', id: 'e-2', source: 's', type: 't', data: { x: 1 } });
    expect(e).toMatchObject({ id: 'e-2', data: { x: 1 } });
  });

  it('refuses a body that is neither, naming what is missing', () => {
    expect(() => cloudEventOf({}, { hello: 'world' })).toThrow(/not a CloudEvent.*specversion/);
    expect(() => cloudEventOf({ ...ce, 'ce-id': undefined }, {})).toThrow(/id/);
  });
});
