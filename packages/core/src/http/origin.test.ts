import { describe, expect, it } from 'vitest';
import { isSameOrigin, originOn } from './origin';

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
