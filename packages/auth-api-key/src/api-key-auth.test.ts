import { ConfigError, type RequestSpec, SecretError, secret } from '@restsync/core';
import { testAuthConformance } from '@restsync/testing/conformance';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { type ApiKeyLocation, apiKey } from './api-key-auth';

const key = 'sk_live_conformance_0123';

const request: RequestSpec = {
  method: 'GET',
  url: 'https://api.example.test/items?status=open',
  headers: { accept: 'application/json' },
};

const cookieHas = (request: RequestSpec, name: string) =>
  (request.headers.cookie ?? '').split('; ').filter((part) => part === `${name}=${key}`).length === 1;

testAuthConformance({
  name: 'api_key in a header',
  create: () => apiKey({ name: 'X-API-Key', apiKey: key }),
  secretValues: [key],
  hasCredentials: (request) => request.headers['x-api-key'] === key,
});

testAuthConformance({
  name: 'api_key in the query',
  create: () => apiKey({ name: 'api_key', apiKey: key, location: 'query' }),
  secretValues: [key],
  hasCredentials: (request) => new URL(request.url).searchParams.getAll('api_key').join() === key,
});

testAuthConformance({
  name: 'api_key in a cookie',
  create: () => apiKey({ name: 'session', apiKey: key, location: 'cookie' }),
  secretValues: [key],
  hasCredentials: (request) => cookieHas(request, 'session'),
});

describe('apiKey', () => {
  afterEach(() => {
    vi.unstubAllEnvs();
  });

  it('should default to the Authorization header', async () => {
    const auth = apiKey({ apiKey: key });
    expect(auth.type).toBe('api_key');
    expect((await auth.apply(request)).headers).toEqual({ accept: 'application/json', authorization: key });
  });

  it('should replace a header of the same name in any case', async () => {
    const applied = await apiKey({ name: 'X-API-Key', apiKey: key }).apply({
      ...request,
      headers: { 'X-Api-Key': 'old', accept: 'application/json' },
    });
    expect(applied.headers).toEqual({ accept: 'application/json', 'x-api-key': key });
  });

  it('should set the query parameter and keep the others', async () => {
    const applied = await apiKey({ name: 'api_key', apiKey: key, location: 'query' }).apply(request);
    const url = new URL(applied.url);
    expect(Object.fromEntries(url.searchParams)).toEqual({ status: 'open', api_key: key });
    expect(applied.headers).toEqual(request.headers);
  });

  it('should URL-encode a key with reserved characters in the query', async () => {
    const applied = await apiKey({ name: 'key', apiKey: 'a&b=c d', location: 'query' }).apply(request);
    expect(new URL(applied.url).searchParams.get('key')).toBe('a&b=c d');
    expect(new URL(applied.url).searchParams.get('status')).toBe('open');
  });

  it('should add the cookie and keep existing cookies in place', async () => {
    const auth = apiKey({ name: 'session', apiKey: key, location: 'cookie' });
    const applied = await auth.apply({ ...request, headers: { Cookie: 'theme=dark; lang=en' } });
    expect(applied.headers).toEqual({ cookie: `theme=dark; lang=en; session=${key}` });
  });

  it('should replace an existing cookie of the same name', async () => {
    const auth = apiKey({ name: 'session', apiKey: key, location: 'cookie' });
    const applied = await auth.apply({ ...request, headers: { cookie: 'theme=dark; session=old; lang=en' } });
    expect(applied.headers.cookie).toBe(`theme=dark; session=${key}; lang=en`);
  });

  it('should refuse a key a cookie cannot hold, without showing it', async () => {
    const auth = apiKey({ name: 'session', apiKey: 'has space;semicolon', location: 'cookie' });
    await expect(async () => auth.apply(request)).rejects.toThrow(ConfigError);
    await expect(async () => auth.apply(request)).rejects.toThrow(/location "header" or "query"/);
    await expect(async () => auth.apply(request)).rejects.not.toThrow(/has space/);
  });

  it('should resolve a secret from the environment on first use, not when built', async () => {
    const auth = apiKey({ apiKey: secret('api_key'), location: 'query', name: 'api_key' });
    vi.stubEnv('API_KEY', 'from-the-environment');
    const applied = await auth.apply(request);
    expect(new URL(applied.url).searchParams.get('api_key')).toBe('from-the-environment');
    expect(auth.secrets()).toEqual(['from-the-environment']);
  });

  it('should keep the resolved key once resolved', async () => {
    vi.stubEnv('API_KEY', 'first-value');
    const auth = apiKey({ apiKey: secret('api_key') });
    expect(auth.secrets()).toEqual(['first-value']);
    vi.stubEnv('API_KEY', 'second-value');
    expect((await auth.apply(request)).headers.authorization).toBe('first-value');
  });

  it('should throw a SecretError naming the variable when the secret is not set', async () => {
    vi.stubEnv('RESTSYNC_TEST_MISSING_KEY', '');
    const auth = apiKey({ apiKey: secret('restsync_test_missing_key') });
    expect(() => auth.secrets()).toThrow(SecretError);
    await expect(async () => auth.apply(request)).rejects.toThrow(/RESTSYNC_TEST_MISSING_KEY/);
  });

  it('should never show the key in a validation error', () => {
    let error: unknown;
    try {
      apiKey({ name: 'bad name', apiKey: key, location: 'body' as ApiKeyLocation });
    } catch (caught) {
      error = caught;
    }
    expect(ConfigError.isInstance(error)).toBe(true);
    const shown = `${(error as Error).message} ${JSON.stringify(error)}`;
    expect(shown).not.toContain(key);
    expect((error as ConfigError).issues.map((issue) => issue.path)).toEqual(['name', 'location']);
  });

  it('should list every bad option', () => {
    expect(() => apiKey({ name: '', apiKey: '' })).toThrow(
      expect.objectContaining({
        issues: [
          { path: 'name', message: 'expected a non-empty header, parameter or cookie name' },
          expect.objectContaining({ path: 'apiKey' }),
        ],
      }),
    );
  });

  it('should accept any query parameter name, even one invalid as a header', async () => {
    const applied = await apiKey({ name: 'api key[]', apiKey: key, location: 'query' }).apply(request);
    expect(new URL(applied.url).searchParams.get('api key[]')).toBe(key);
  });

  it('should not show the key through JSON.stringify', async () => {
    const auth = apiKey({ apiKey: key, name: 'X-Key' });
    await auth.apply(request);
    expect(JSON.stringify(auth)).toBe('{"kind":"auth","type":"api_key","name":"X-Key","location":"header"}');
  });
});
