import { describe, expect, it } from 'vitest';
import { setQueryParams } from '../contracts/query-params';
import { isSameOrigin, originOn, resolveUrl } from './origin';

describe('originOn', () => {
  it('should answer the origin itself for a URL that starts with it and a slash, without parsing', () => {
    expect(originOn('https://api.example.com/v1/users?offset=100', 'https://api.example.com')).toBe(
      'https://api.example.com',
    );
  });

  it('should parse every other spelling of a URL', () => {
    expect(originOn('https://api.example.com.evil.test/v1', 'https://api.example.com')).toBe(
      'https://api.example.com.evil.test',
    );
    expect(originOn('https://api.example.com:8443/v1', 'https://api.example.com')).toBe(
      'https://api.example.com:8443',
    );
    expect(originOn('HTTPS://API.example.com:443/v1', 'https://api.example.com')).toBe(
      'https://api.example.com',
    );
    expect(originOn('https://api.example.com\\@evil.test/', 'https://api.example.com')).toBe(
      'https://api.example.com',
    );
  });
});

describe('isSameOrigin', () => {
  it('should compare scheme, host and port', () => {
    expect(isSameOrigin('https://api.example.com/v1', 'https://api.example.com')).toBe(true);
    expect(isSameOrigin('https://api.example.com:443/v1', 'https://api.example.com')).toBe(true);
    expect(isSameOrigin('http://api.example.com/v1', 'https://api.example.com')).toBe(false);
    expect(isSameOrigin('https://api.example.com@evil.test/v1', 'https://api.example.com')).toBe(false);
    expect(isSameOrigin('https://api.example.company/v1', 'https://api.example.com')).toBe(false);
  });
});

describe('resolveUrl', () => {
  it('should give a page URL restsync wrote itself back as URL would write it', () => {
    const page = setQueryParams('https://API.example.com:443/v1/a b?q=x y', [['offset', '100']]);

    expect(resolveUrl('https://api.example.com/v1', page)).toBe(page);
    expect(resolveUrl('https://api.example.com/v1', page)).toBe(new URL(page).toString());
    expect(resolveUrl('https://api.example.com/v1', page, { limit: 5 })).toBe(
      'https://api.example.com/v1/a%20b?q=x+y&offset=100&limit=5',
    );
  });

  it('should continue the base URL path with a relative path, as dlt does', () => {
    expect(resolveUrl('https://api.example.com/v1', '/users', { page: 2 })).toBe(
      'https://api.example.com/v1/users?page=2',
    );
  });
});
