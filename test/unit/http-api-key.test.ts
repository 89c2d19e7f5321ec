// The edge's API key check: which headers present a key, and that only the exact key passes.
import { describe, expect, it } from 'vitest';
import { apiKeyCheck, presentedKey } from '../../shared/http/api-key.ts';

const KEY = 'k3y-'.repeat(6);
const check = apiKeyCheck(KEY);

describe('API key check', () => {
  it('accepts the key in x-api-key or as an Authorization Bearer token (scheme in any case)', () => {
    expect(check({ 'x-api-key': KEY })).toBe(true);
    expect(check({ authorization: `Bearer ${KEY}` })).toBe(true);
    expect(check({ authorization: `bearer ${KEY}` })).toBe(true);
  });

  it('refuses a missing key, an empty one, and a bare Authorization value without Bearer', () => {
    expect(check({})).toBe(false);
    expect(check({ 'x-api-key': '' })).toBe(false);
    expect(check({ authorization: KEY })).toBe(false);
    expect(check({ authorization: `Basic ${KEY}` })).toBe(false);
    expect(check({ authorization: 'Bearer ' })).toBe(false);
  });

  it('refuses a wrong key of the same length, of other lengths, and the key with anything around it', () => {
    const sameLength = KEY.slice(0, -1) + (KEY.endsWith('x') ? 'y' : 'x');
    for (const wrong of [sameLength, KEY.slice(0, -1), KEY + 'x', `${KEY} `, ` ${KEY}`, KEY.toUpperCase(), 'x'])
      expect(check({ 'x-api-key': wrong }), JSON.stringify(wrong)).toBe(false);
    expect(check({ authorization: `Bearer ${KEY} extra` })).toBe(false);
  });

  it('takes x-api-key over Authorization, which on Cloud Run carries the caller’s Google ID token', () => {
    expect(check({ 'x-api-key': KEY, authorization: 'Bearer eyJ-google-id-token' })).toBe(true);
    expect(check({ 'x-api-key': 'wrong', authorization: `Bearer ${KEY}` })).toBe(false);
  });

  it('refuses a key sent twice (a repeated header)', () => {
    expect(presentedKey({ 'x-api-key': [KEY, KEY] as unknown as string })).toBeUndefined();
    expect(check({ 'x-api-key': [KEY, KEY] as unknown as string })).toBe(false);
  });

  it('two checks of the same key agree though each digests with its own random secret', () => {
    expect(apiKeyCheck(KEY)({ 'x-api-key': KEY })).toBe(true);
    expect(apiKeyCheck(KEY + 'x')({ 'x-api-key': KEY })).toBe(false);
  });
});
