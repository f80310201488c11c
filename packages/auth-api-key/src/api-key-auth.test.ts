import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ConfigError, createRestClient, type RequestSpec, SecretError, secret } from '@restsync/core';
import { createTestAuthContext as context, testAuthConformance } from '@restsync/testing/conformance';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
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
    expect((await auth.apply(request, context())).headers).toEqual({
      accept: 'application/json',
      authorization: key,
    });
  });

  it('should replace a header of the same name in any case', async () => {
    const applied = await apiKey({ name: 'X-API-Key', apiKey: key }).apply(
      { ...request, headers: { 'X-Api-Key': 'old', accept: 'application/json' } },
      context(),
    );
    expect(applied.headers).toEqual({ accept: 'application/json', 'x-api-key': key });
  });

  it('should set the query parameter and keep the others', async () => {
    const applied = await apiKey({ name: 'api_key', apiKey: key, location: 'query' }).apply(
      request,
      context(),
    );
    const url = new URL(applied.url);
    expect(Object.fromEntries(url.searchParams)).toEqual({ status: 'open', api_key: key });
    expect(applied.headers).toEqual(request.headers);
  });

  it('should URL-encode a key with reserved characters in the query', async () => {
    const applied = await apiKey({ name: 'key', apiKey: 'a&b=c d', location: 'query' }).apply(
      request,
      context(),
    );
    expect(new URL(applied.url).searchParams.get('key')).toBe('a&b=c d');
    expect(new URL(applied.url).searchParams.get('status')).toBe('open');
  });

  it('should add the cookie and keep existing cookies in place', async () => {
    const auth = apiKey({ name: 'session', apiKey: key, location: 'cookie' });
    const applied = await auth.apply({ ...request, headers: { Cookie: 'theme=dark; lang=en' } }, context());
    expect(applied.headers).toEqual({ cookie: `theme=dark; lang=en; session=${key}` });
  });

  it('should replace an existing cookie of the same name', async () => {
    const auth = apiKey({ name: 'session', apiKey: key, location: 'cookie' });
    const applied = await auth.apply(
      { ...request, headers: { cookie: 'theme=dark; session=old; lang=en' } },
      context(),
    );
    expect(applied.headers.cookie).toBe(`theme=dark; session=${key}; lang=en`);
  });

  it('should refuse a key a cookie cannot hold, without showing it', async () => {
    const auth = apiKey({ name: 'session', apiKey: 'has space;semicolon', location: 'cookie' });
    await expect(async () => auth.apply(request, context())).rejects.toThrow(ConfigError);
    await expect(async () => auth.apply(request, context())).rejects.toThrow(/location "header" or "query"/);
    await expect(async () => auth.apply(request, context())).rejects.not.toThrow(/has space/);
  });

  it('should resolve a secret from the environment on first use, not when built', async () => {
    const auth = apiKey({ apiKey: secret('api_key'), location: 'query', name: 'api_key' });
    vi.stubEnv('API_KEY', 'from-the-environment');
    const applied = await auth.apply(request, context());
    expect(new URL(applied.url).searchParams.get('api_key')).toBe('from-the-environment');
    expect(auth.secrets()).toEqual(['from-the-environment']);
  });

  it('should keep the resolved key once resolved', async () => {
    vi.stubEnv('API_KEY', 'first-value');
    const auth = apiKey({ apiKey: secret('api_key') });
    expect(auth.secrets()).toEqual(['first-value']);
    vi.stubEnv('API_KEY', 'second-value');
    expect((await auth.apply(request, context())).headers.authorization).toBe('first-value');
  });

  it('should throw a SecretError naming the variable when the secret is not set', async () => {
    vi.stubEnv('RESTSYNC_TEST_MISSING_KEY', '');
    const auth = apiKey({ apiKey: secret('restsync_test_missing_key') });
    expect(() => auth.secrets()).toThrow(SecretError);
    await expect(async () => auth.apply(request, context())).rejects.toThrow(/RESTSYNC_TEST_MISSING_KEY/);
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
    const applied = await apiKey({ name: 'api key[]', apiKey: key, location: 'query' }).apply(
      request,
      context(),
    );
    expect(new URL(applied.url).searchParams.get('api key[]')).toBe(key);
  });

  it('should not show the key through JSON.stringify', async () => {
    const auth = apiKey({ apiKey: key, name: 'X-Key' });
    await auth.apply(request, context());
    expect(JSON.stringify(auth)).toBe(
      '{"kind":"auth","specificationVersion":"v1","type":"api_key","name":"X-Key","location":"header"}',
    );
  });
});

describe('apiKey through the engine', () => {
  const servers: Server[] = [];

  afterAll(async () => {
    await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
  });

  /** A real HTTP server on 127.0.0.1 recording the headers it receives. */
  async function listen(answer: (url: string) => { status: number; headers?: Record<string, string> }) {
    const received: IncomingHttpHeaders[] = [];
    const server = createServer((request, response) => {
      received.push(request.headers);
      const { status, headers } = answer(request.url ?? '/');
      response.writeHead(status, { 'content-type': 'application/json', ...headers });
      response.end('{}');
    });
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return { origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, received };
  }

  // A 302 from the API to another origin carried X-API-Key there on every request.
  it.each<ApiKeyLocation>(['header', 'cookie'])(
    'should not send a key in a %s across a redirect to another origin',
    async (location) => {
      const hostile = await listen(() => ({ status: 200 }));
      const api = await listen(() => ({ status: 302, headers: { location: `${hostile.origin}/collect` } }));
      const client = createRestClient({
        baseUrl: api.origin,
        auth: apiKey({ name: 'X-API-Key', apiKey: key, location }),
      });

      for (let count = 0; count < 3; count += 1) {
        await client.send({ method: 'GET', url: `${api.origin}/items`, headers: {} }, { resource: 'items' });
      }

      expect(JSON.stringify(api.received)).toContain(key);
      expect(hostile.received).toHaveLength(3);
      expect(JSON.stringify(hostile.received)).not.toContain(key);
    },
  );
});
