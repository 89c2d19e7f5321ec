// Which content types the edge accepts: JSON media types in UTF-8 only, parsed by the media-type grammar.
import { describe, expect, it } from 'vitest';
import { contentTypeProblem, mediaTypeOf } from '../../shared/http/content-type.ts';

const JSON_ONLY = ['application/json'];

describe('content type acceptance', () => {
  it('accepts application/json with no charset, with charset=utf-8 in any case or quoted, with spaces', () => {
    for (const h of [
      'application/json',
      'application/json; charset=utf-8',
      'Application/JSON;charset=UTF-8',
      'application/json; charset="utf-8"',
      ' application/json ; foo=bar ',
    ])
      expect(contentTypeProblem(h, JSON_ONLY), h).toBeUndefined();
  });

  it('refuses text/plain, form-urlencoded, multipart, octet-stream, a missing header and a near miss', () => {
    for (const h of [
      'text/plain',
      'application/x-www-form-urlencoded',
      'multipart/form-data; boundary=x',
      'application/octet-stream',
      'application/jsonx',
      'application/json-patch+json',
      undefined,
      '',
      'json',
      'application/json/extra',
    ])
      expect(contentTypeProblem(h, JSON_ONLY), String(h)).toMatch(/content type|send/);
  });

  it('refuses a charset other than UTF-8', () => {
    expect(contentTypeProblem('application/json; charset=latin1', JSON_ONLY)).toMatch(/charset latin1/);
    expect(contentTypeProblem('application/json; charset=utf-16', JSON_ONLY)).toMatch(/UTF-8/);
  });

  it('accepts a structured CloudEvent only where the route lists it', () => {
    expect(contentTypeProblem('application/cloudevents+json', JSON_ONLY)).toBeDefined();
    expect(
      contentTypeProblem('application/cloudevents+json', ['application/json', 'application/cloudevents+json']),
    ).toBeUndefined();
  });

  it('reads the media type and charset', () => {
    expect(mediaTypeOf('Application/Json; Charset=UTF-8')).toEqual({ type: 'application/json', charset: 'utf-8' });
    expect(mediaTypeOf('nonsense')).toBeUndefined();
  });
});
