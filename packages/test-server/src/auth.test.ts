import { afterEach, describe, expect, it, vi } from 'vitest';
import { startTestServer, type TestServer } from './test-server';
import type { TestServerOptions } from './test-server-options';

const servers: TestServer[] = [];

afterEach(async () => {
  vi.useRealTimers();
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

async function serve(options: TestServerOptions): Promise<TestServer> {
  const server = await startTestServer(options);
  servers.push(server);
  return server;
}

const basic = (user: string, password: string) =>
  `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

async function status(url: string, headers: Record<string, string> = {}): Promise<number> {
  const response = await fetch(url, { headers });
  await response.arrayBuffer();
  return response.status;
}

function tokenRequest(
  server: TestServer,
  form: Record<string, string>,
  headers: Record<string, string> = {},
) {
  return fetch(`${server.url}/oauth/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    body: new URLSearchParams(form).toString(),
  });
}

const oauth2Options: TestServerOptions = {
  oauth2: { clientId: 'client-1', clientSecret: 'secret-abcdef', tokenLifetimeSeconds: 2 },
  collections: { items: { records: 5, auth: { type: 'oauth2' } } },
};

async function accessToken(server: TestServer): Promise<string> {
  const response = await tokenRequest(server, {
    grant_type: 'client_credentials',
    client_id: 'client-1',
    client_secret: 'secret-abcdef',
  });
  expect(response.status).toBe(200);
  return ((await response.json()) as { access_token: string }).access_token;
}

describe('startTestServer auth checks', () => {
  it('should require the API key in the query, a header or a cookie', async () => {
    const server = await serve({
      collections: {
        query: { auth: { type: 'api_key', value: 'key-123456' } },
        header: { auth: { type: 'api_key', value: 'key-123456', name: 'X-API-Key', location: 'header' } },
        cookie: { auth: { type: 'api_key', value: 'key-123456', name: 'session', location: 'cookie' } },
      },
    });
    expect(await status(`${server.url}/v1/query?api_key=key-123456`)).toBe(200);
    expect(await status(`${server.url}/v1/query?api_key=wrong`)).toBe(401);
    expect(await status(`${server.url}/v1/header`, { 'x-api-key': 'key-123456' })).toBe(200);
    expect(await status(`${server.url}/v1/header`)).toBe(401);
    expect(await status(`${server.url}/v1/cookie`, { cookie: 'a=b; session=key-123456' })).toBe(200);
    expect(await status(`${server.url}/v1/cookie`, { cookie: 'session=nope' })).toBe(401);
  });

  it('should require a bearer token or HTTP Basic credentials, with a WWW-Authenticate challenge', async () => {
    const server = await serve({
      collections: {
        bearer: { auth: { type: 'bearer', token: 'token-123456' } },
        basic: { auth: { type: 'http_basic', username: 'sk_live_key', password: '' } },
      },
    });
    expect(await status(`${server.url}/v1/bearer`, { authorization: 'Bearer token-123456' })).toBe(200);
    const refused = await fetch(`${server.url}/v1/bearer`, { headers: { authorization: 'Bearer other' } });
    expect(refused.status).toBe(401);
    expect(refused.headers.get('www-authenticate')).toMatch(/^Bearer /);
    expect(await refused.text()).not.toContain('other');
    expect(await status(`${server.url}/v1/basic`, { authorization: basic('sk_live_key', '') })).toBe(200);
    expect(await status(`${server.url}/v1/basic`, { authorization: basic('sk_live_key', 'x') })).toBe(401);
  });

  it('should log every request with its headers, so a test can check the credentials sent', async () => {
    const server = await serve({
      auth: { type: 'bearer', token: 'token-123456' },
      collections: { items: {} },
    });
    await status(`${server.url}/v1/items?limit=2`, { authorization: 'Bearer token-123456' });
    expect(server.requests).toMatchObject([
      {
        method: 'GET',
        path: '/v1/items',
        handler: 'items',
        status: 200,
        headers: { authorization: 'Bearer token-123456' },
      },
    ]);
    expect(server.requests[0]?.query.get('limit')).toBe('2');
  });
});

describe('startTestServer oauth2', () => {
  it('should issue a bearer token for client credentials in the form body', async () => {
    const server = await serve(oauth2Options);
    const response = await tokenRequest(server, {
      grant_type: 'client_credentials',
      client_id: 'client-1',
      client_secret: 'secret-abcdef',
    });
    const body = (await response.json()) as Record<string, unknown>;
    expect(body).toEqual({ access_token: expect.any(String), token_type: 'Bearer', expires_in: 2 });
    expect(await status(`${server.url}/v1/items`, { authorization: `Bearer ${body.access_token}` })).toBe(
      200,
    );
    expect(await status(`${server.url}/v1/items`)).toBe(401);
    expect(server.oauth2?.tokenRequests).toBe(1);
    expect(server.oauth2?.issued).toEqual([body.access_token]);
  });

  it('should accept HTTP Basic client authentication and refuse a wrong secret either way', async () => {
    const server = await serve(oauth2Options);
    const viaBasic = await tokenRequest(
      server,
      { grant_type: 'client_credentials' },
      { authorization: basic('client-1', 'secret-abcdef') },
    );
    expect(viaBasic.status).toBe(200);
    const wrong = await tokenRequest(
      server,
      { grant_type: 'client_credentials' },
      { authorization: basic('client-1', 'nope') },
    );
    expect(wrong.status).toBe(401);
    const text = await wrong.text();
    expect(JSON.parse(text)).toMatchObject({ error: 'invalid_client' });
    expect(text).not.toContain('secret-abcdef');
    const grant = await tokenRequest(server, { grant_type: 'password' });
    expect(grant.status).toBe(400);
    expect(server.oauth2?.tokenRequests).toBe(3);
  });

  it('should insist on one client authentication method when configured', async () => {
    const server = await serve({
      oauth2: { clientId: 'client-1', clientSecret: 'secret-abcdef', clientAuthentication: 'basic' },
    });
    const inBody = await tokenRequest(server, {
      grant_type: 'client_credentials',
      client_id: 'client-1',
      client_secret: 'secret-abcdef',
    });
    expect(inBody.status).toBe(401);
  });

  it('should require the configured extra form fields', async () => {
    const server = await serve({
      oauth2: { clientId: 'client-1', clientSecret: 'secret-abcdef', requiredParams: { audience: 'api' } },
    });
    const form = { grant_type: 'client_credentials', client_id: 'client-1', client_secret: 'secret-abcdef' };
    expect((await tokenRequest(server, form)).status).toBe(400);
    expect((await tokenRequest(server, { ...form, audience: 'api' })).status).toBe(200);
  });

  it('should answer 401 once a token has expired', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const server = await serve(oauth2Options);
    const token = await accessToken(server);
    vi.setSystemTime(Date.now() + 1900);
    expect(await status(`${server.url}/v1/items`, { authorization: `Bearer ${token}` })).toBe(200);
    vi.setSystemTime(Date.now() + 200);
    expect(await status(`${server.url}/v1/items`, { authorization: `Bearer ${token}` })).toBe(401);
  });

  it('should answer 401 to a revoked token and 200 to the next one', async () => {
    const server = await serve(oauth2Options);
    const first = await accessToken(server);
    server.oauth2?.revoke();
    expect(await status(`${server.url}/v1/items`, { authorization: `Bearer ${first}` })).toBe(401);
    const second = await accessToken(server);
    expect(second).not.toBe(first);
    expect(await status(`${server.url}/v1/items`, { authorization: `Bearer ${second}` })).toBe(200);
  });
});
