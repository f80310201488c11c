import { describe, expect, it } from 'vitest';
import { isRedirect, nextRedirect } from './redirects';

const get = { method: 'GET', url: 'https://api.example.test/v1/items?page=2' };
const post = { method: 'POST', url: 'https://api.example.test/v1/search' };

describe('isRedirect', () => {
  it('should treat 301, 302, 303, 307 and 308 with a Location as redirects', () => {
    for (const status of [301, 302, 303, 307, 308]) expect(isRedirect(status, '/next')).toBe(true);
  });

  it('should not treat a 3xx without Location, a 300 or a 304 as a redirect', () => {
    expect(isRedirect(302, null)).toBe(false);
    expect(isRedirect(300, '/next')).toBe(false);
    expect(isRedirect(304, '/next')).toBe(false);
  });
});

describe('nextRedirect', () => {
  it('should resolve a relative Location against the request URL', () => {
    expect(nextRedirect(get, 302, '../v2/items', 0, 5)).toEqual({
      kind: 'follow',
      url: 'https://api.example.test/v2/items',
      method: 'GET',
      keepBody: true,
    });
  });

  // A redirect from https to http sent the request, credentials included, unencrypted.
  it('should refuse a downgrade from https to http, even on the same host', () => {
    const step = nextRedirect(get, 301, 'http://api.example.test/v1/items', 0, 5);
    expect(step).toMatchObject({ kind: 'refuse', reason: expect.stringContaining('from https to http') });
  });

  it('should follow an upgrade from http to https', () => {
    const step = nextRedirect(
      { method: 'GET', url: 'http://api.example.test/a' },
      301,
      'https://api.example.test/a',
      0,
      5,
    );
    expect(step).toMatchObject({ kind: 'follow', url: 'https://api.example.test/a' });
  });

  it('should refuse a Location that is not an http(s) URL', () => {
    expect(nextRedirect(get, 302, 'file:///etc/passwd', 0, 5)).toMatchObject({
      kind: 'refuse',
      reason: 'a redirect to a file: URL',
    });
    expect(nextRedirect(get, 302, 'http://[bad', 0, 5)).toMatchObject({
      kind: 'refuse',
      reason: 'a Location header that is not a valid URL',
    });
  });

  it('should refuse once maxRedirects redirects have been followed', () => {
    expect(nextRedirect(get, 302, '/again', 4, 5)).toMatchObject({ kind: 'follow' });
    expect(nextRedirect(get, 302, '/again', 5, 5)).toMatchObject({
      kind: 'refuse',
      reason: 'more than 5 redirects',
    });
    expect(nextRedirect(get, 302, '/again', 0, 0)).toMatchObject({ kind: 'refuse' });
  });

  it('should turn a POST into a GET without body on 301, 302 and 303', () => {
    for (const status of [301, 302, 303]) {
      expect(nextRedirect(post, status, '/done', 0, 5)).toMatchObject({ method: 'GET', keepBody: false });
    }
  });

  it('should keep the method and body on 307 and 308', () => {
    for (const status of [307, 308]) {
      expect(nextRedirect(post, status, '/moved', 0, 5)).toMatchObject({ method: 'POST', keepBody: true });
    }
  });

  it('should turn a PUT into a GET on 303 only, and keep HEAD on 303', () => {
    const put = { ...post, method: 'PUT' };
    expect(nextRedirect(put, 302, '/x', 0, 5)).toMatchObject({ method: 'PUT', keepBody: true });
    expect(nextRedirect(put, 303, '/x', 0, 5)).toMatchObject({ method: 'GET', keepBody: false });
    expect(nextRedirect({ ...get, method: 'HEAD' }, 303, '/x', 0, 5)).toMatchObject({ method: 'HEAD' });
  });
});
