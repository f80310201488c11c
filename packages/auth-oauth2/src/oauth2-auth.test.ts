import {
  type Auth,
  AuthError,
  ConfigError,
  createEventBus,
  createRedactor,
  createRestClient,
  type RequestSpec,
  ResponseError,
  type RestsyncEvent,
  secret,
} from '@restsync/core';
import { startTestServer, type TestServer } from '@restsync/test-server';
import { createTestAuthContext, testAuthConformance } from '@restsync/testing/conformance';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { fromConfig, oauth2ClientCredentials } from './oauth2-auth';

const clientId = 'conformance-client';
const clientSecret = 'cs_conformance_secret_0123';
const accessToken = 'at_conformance_token_0123';
const tokenUrl = 'https://auth.example.test/oauth/token';

/** A token endpoint for unit tests: checks the client like a real one and records every form. */
function tokenEndpoint(
  answer: () => Record<string, unknown> = () => ({ access_token: accessToken, expires_in: 3600 }),
) {
  const forms: URLSearchParams[] = [];
  const headers: Headers[] = [];
  const fetch: typeof globalThis.fetch = async (input, init) => {
    if (String(input) !== tokenUrl) return Response.json({ error: 'not found' }, { status: 404 });
    const form = new URLSearchParams(String(init?.body ?? ''));
    const requestHeaders = new Headers(init?.headers);
    forms.push(form);
    headers.push(requestHeaders);
    const basic = `Basic ${Buffer.from(`${clientId}:${clientSecret}`).toString('base64')}`;
    const inBody = form.get('client_id') === clientId && form.get('client_secret') === clientSecret;
    if (!(inBody || requestHeaders.get('authorization') === basic)) {
      return Response.json({ error: 'invalid_client' }, { status: 401 });
    }
    return Response.json(answer());
  };
  return { fetch, forms, headers };
}

const hasToken = (request: RequestSpec) => request.headers.authorization === `Bearer ${accessToken}`;

testAuthConformance({
  name: 'oauth2_client_credentials',
  create: () => oauth2ClientCredentials({ accessTokenUrl: tokenUrl, clientId, clientSecret }),
  secretValues: [clientSecret, accessToken],
  hasCredentials: hasToken,
  fetch: tokenEndpoint().fetch,
});

testAuthConformance({
  name: 'oauth2_client_credentials with HTTP Basic client authentication',
  create: () =>
    fromConfig({
      type: 'oauth2_client_credentials',
      access_token_url: tokenUrl,
      client_id: clientId,
      client_secret: clientSecret,
      client_authentication: 'basic',
    }),
  secretValues: [clientSecret, accessToken],
  hasCredentials: hasToken,
  fetch: tokenEndpoint().fetch,
});

const request: RequestSpec = { method: 'GET', url: 'https://api.example.test/items', headers: {} };

function create(options: Partial<Parameters<typeof oauth2ClientCredentials>[0]> = {}): Auth {
  return oauth2ClientCredentials({ accessTokenUrl: tokenUrl, clientId, clientSecret, ...options });
}

describe('oauth2ClientCredentials', () => {
  afterEach(() => {
    vi.useRealTimers();
    vi.unstubAllEnvs();
  });

  it('should fetch no token until the first request', async () => {
    const endpoint = tokenEndpoint();
    const auth = create();
    expect(endpoint.forms).toHaveLength(0);
    await auth.apply(request, createTestAuthContext({ fetch: endpoint.fetch }));
    expect(endpoint.forms).toHaveLength(1);
  });

  it("should send dlt's token request: the client secret in the form body", async () => {
    const endpoint = tokenEndpoint();
    const context = createTestAuthContext({ fetch: endpoint.fetch });
    await create({ accessTokenRequestData: { scope: 'read', audience: 'api' } }).apply(request, context);
    expect(context.fetched[0]?.method).toBe('POST');
    expect(Object.fromEntries(endpoint.forms[0] ?? [])).toEqual({
      grant_type: 'client_credentials',
      scope: 'read',
      audience: 'api',
      client_id: clientId,
      client_secret: clientSecret,
    });
    expect(endpoint.headers[0]?.get('content-type')).toBe('application/x-www-form-urlencoded');
    expect(endpoint.headers[0]?.has('authorization')).toBe(false);
  });

  it('should authenticate the client with HTTP Basic when asked, keeping the secret out of the body', async () => {
    const endpoint = tokenEndpoint();
    await create({ clientAuthentication: 'basic' }).apply(
      request,
      createTestAuthContext({ fetch: endpoint.fetch }),
    );
    expect(Object.fromEntries(endpoint.forms[0] ?? [])).toEqual({ grant_type: 'client_credentials' });
    expect(endpoint.headers[0]?.get('authorization')).toBe(
      `Basic ${Buffer.from(`${clientId}:${clientSecret}`).toString('base64')}`,
    );
  });

  it('should form-encode the client id and secret before Basic encoding (RFC 6749 §2.3.1)', async () => {
    const context = createTestAuthContext({ fetch: tokenEndpoint().fetch });
    const auth = oauth2ClientCredentials({
      accessTokenUrl: tokenUrl,
      clientId: 'id with space',
      clientSecret: 'se:cr/et',
      clientAuthentication: 'basic',
    });
    await expect(auth.apply(request, context)).rejects.toThrow();
    expect(context.fetched[0]?.headers?.authorization).toBe(
      `Basic ${Buffer.from('id+with+space:se%3Acr%2Fet').toString('base64')}`,
    );
  });

  it('should let access_token_request_data replace the grant type', async () => {
    const endpoint = tokenEndpoint();
    await create({ accessTokenRequestData: { grant_type: 'account_credentials', account_id: 7 } }).apply(
      request,
      createTestAuthContext({ fetch: endpoint.fetch }),
    );
    expect(endpoint.forms[0]?.get('grant_type')).toBe('account_credentials');
    expect(endpoint.forms[0]?.get('account_id')).toBe('7');
  });

  it('should share one token request between concurrent requests', async () => {
    const endpoint = tokenEndpoint();
    const auth = create();
    const context = createTestAuthContext({ fetch: endpoint.fetch });
    const applied = await Promise.all(Array.from({ length: 12 }, () => auth.apply(request, context)));
    expect(endpoint.forms).toHaveLength(1);
    expect(applied.every(hasToken)).toBe(true);
  });

  it('should register the token before any request uses it', async () => {
    const context = createTestAuthContext({ fetch: tokenEndpoint().fetch });
    await create().apply(request, context);
    expect(context.registered).toEqual([accessToken]);
  });

  it('should get a new token a margin before expiry, not on every request', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const endpoint = tokenEndpoint(() => ({ access_token: accessToken, expires_in: 100 }));
    const auth = create();
    const context = createTestAuthContext({ fetch: endpoint.fetch });
    await auth.apply(request, context);
    vi.advanceTimersByTime(74_000);
    await auth.apply(request, context);
    expect(endpoint.forms).toHaveLength(1);
    // 100 s tokens: the margin is a quarter of the lifetime (25 s), below the default 30 s.
    vi.advanceTimersByTime(2_000);
    await auth.apply(request, context);
    expect(endpoint.forms).toHaveLength(2);
  });

  it('should use default_token_expiration when the response has no expires_in', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const endpoint = tokenEndpoint(() => ({ access_token: accessToken }));
    const auth = create({ defaultTokenExpiration: 60, refreshMarginSeconds: 0 });
    const context = createTestAuthContext({ fetch: endpoint.fetch });
    await auth.apply(request, context);
    vi.advanceTimersByTime(59_000);
    await auth.apply(request, context);
    expect(endpoint.forms).toHaveLength(1);
    vi.advanceTimersByTime(1_000);
    await auth.apply(request, context);
    expect(endpoint.forms).toHaveLength(2);
  });

  it('should get a new token on refresh even before expiry', async () => {
    const tokens = ['at_first_token_0001', 'at_second_token_0002'];
    const endpoint = tokenEndpoint(() => ({ access_token: tokens.shift(), expires_in: 3600 }));
    const auth = create();
    const context = createTestAuthContext({ fetch: endpoint.fetch });
    expect((await auth.apply(request, context)).headers.authorization).toBe('Bearer at_first_token_0001');
    await auth.refresh?.(context);
    expect((await auth.apply(request, context)).headers.authorization).toBe('Bearer at_second_token_0002');
    expect(auth.secrets()).toContain('at_second_token_0002');
    expect(endpoint.forms).toHaveLength(2);
  });

  it('should try again on the next request after a failed token request', async () => {
    const answers = [{ error: 'temporarily unavailable' }, { access_token: accessToken, expires_in: 3600 }];
    const endpoint = tokenEndpoint(() => answers.shift() ?? {});
    const auth = create();
    const context = createTestAuthContext({ fetch: endpoint.fetch });
    await expect(auth.apply(request, context)).rejects.toThrow(ResponseError);
    expect(hasToken(await auth.apply(request, context))).toBe(true);
  });

  it('should fail with a ResponseError without a value when the answer has no access_token', async () => {
    const endpoint = tokenEndpoint(() => ({ token: accessToken }));
    const error = await Promise.resolve(
      create().apply(request, createTestAuthContext({ fetch: endpoint.fetch })),
    ).catch((caught: unknown) => caught);
    expect(ResponseError.isInstance(error)).toBe(true);
    expect((error as Error).message).toContain('https://auth.example.test/oauth/token');
    expect((error as Error).message).not.toContain(accessToken);
    expect((error as Error).message).not.toContain(clientSecret);
  });

  it('should read the client id and secret from the environment on first use', async () => {
    const endpoint = tokenEndpoint();
    const auth = create({ clientId: secret('your_client_id'), clientSecret: secret('your_client_secret') });
    vi.stubEnv('YOUR_CLIENT_ID', clientId);
    vi.stubEnv('YOUR_CLIENT_SECRET', clientSecret);
    expect(hasToken(await auth.apply(request, createTestAuthContext({ fetch: endpoint.fetch })))).toBe(true);
    expect(auth.secrets()).toContain(clientSecret);
  });
});

describe('fromConfig', () => {
  function configErrorOf(build: () => unknown): ConfigError {
    try {
      build();
    } catch (error) {
      if (ConfigError.isInstance(error)) return error;
      throw error;
    }
    throw new Error('expected a ConfigError, but nothing was thrown');
  }

  it("should accept dlt's keys", async () => {
    const endpoint = tokenEndpoint();
    const auth = fromConfig({
      type: 'oauth2_client_credentials',
      access_token_url: tokenUrl,
      client_id: clientId,
      client_secret: clientSecret,
      access_token_request_data: { scope: 'read' },
      default_token_expiration: 3600,
    });
    expect(hasToken(await auth.apply(request, createTestAuthContext({ fetch: endpoint.fetch })))).toBe(true);
    expect(endpoint.forms[0]?.get('scope')).toBe('read');
  });

  it('should report every problem under the keys written, never a value', () => {
    const error = configErrorOf(() =>
      fromConfig({
        access_token_url: 'ftp://auth.example.test/token',
        client_secret: 'leaked-value',
        default_token_expiration: 0,
        client_authentication: 'header',
      }),
    );
    expect(error.issues.map((issue) => issue.path)).toEqual([
      'access_token_url',
      'client_id',
      'default_token_expiration',
      'client_authentication',
    ]);
    expect(error.message).not.toContain('leaked-value');
  });
});

describe('oauth2ClientCredentials through the engine', () => {
  const servers: TestServer[] = [];

  afterEach(async () => {
    await Promise.all(servers.splice(0).map((server) => server.close()));
  });

  async function start(options: Parameters<typeof startTestServer>[0]): Promise<TestServer> {
    const server = await startTestServer(options);
    servers.push(server);
    return server;
  }

  it('should fail with an AuthError naming the token URL and status, and no secret', async () => {
    const server = await start({ oauth2: { clientId, clientSecret: 'the-real-secret' } });
    const auth = create({ accessTokenUrl: `${server.url}/oauth/token` });
    const events: RestsyncEvent[] = [];
    const redactor = createRedactor();
    const client = createRestClient({
      baseUrl: server.url,
      auth,
      redactor,
      events: createEventBus({ redactor, listeners: [(event) => events.push(event)] }),
    });
    const error = await client
      .send({ ...request, url: '/v1/items' }, { resource: 'items' })
      .catch((caught: unknown) => caught);
    expect(AuthError.isInstance(error)).toBe(true);
    expect((error as AuthError).status).toBe(401);
    const message = (error as Error).message;
    expect(message).toContain(`POST ${server.url}/oauth/token failed with HTTP 401`);
    const shown = `${message} ${String((error as Error).cause)} ${JSON.stringify(events)}`;
    expect(shown).not.toContain(clientSecret);
  });

  it('should answer a revoked token with one new token, then go on', async () => {
    const server = await start({
      oauth2: { clientId, clientSecret },
      collections: { items: { records: 30, pageSize: 10, auth: { type: 'oauth2' } } },
    });
    const client = createRestClient({
      baseUrl: server.url,
      auth: create({ accessTokenUrl: `${server.url}/oauth/token` }),
    });
    await client.send({ ...request, url: '/v1/items' }, { resource: 'items' });
    server.oauth2?.revoke();
    const response = await client.send({ ...request, url: '/v1/items?offset=10' }, { resource: 'items' });
    expect(response.status).toBe(200);
    expect(server.oauth2?.tokenRequests).toBe(2);
  });

  it('should send the client secret only to a token URL on another origin, and the token only to the API', async () => {
    const tokens = await start({ oauth2: { clientId, clientSecret } });
    const api = await start({
      routes: {
        'GET /v1/items': (logged) => {
          const token = /^Bearer (.+)$/.exec(String(logged.headers.authorization ?? ''))?.[1] ?? '';
          return tokens.oauth2?.isValid(token) ? { body: { data: [] } } : { status: 401, body: {} };
        },
      },
    });
    const client = createRestClient({
      baseUrl: api.url,
      auth: create({ accessTokenUrl: `${tokens.url}/oauth/token` }),
    });
    await client.send({ ...request, url: '/v1/items' }, { resource: 'items' });
    await client.send({ ...request, url: '/v1/items' }, { resource: 'items' });
    const issued = tokens.oauth2?.issued ?? [];
    expect(issued).toHaveLength(1);
    expect(JSON.stringify(api.requests)).not.toContain(clientSecret);
    expect(JSON.stringify(api.requests)).toContain(issued[0]);
    expect(JSON.stringify(tokens.requests)).toContain(clientSecret);
    expect(JSON.stringify(tokens.requests)).not.toContain(issued[0]);
  });
});
