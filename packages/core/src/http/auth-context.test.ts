import { describe, expect, it } from 'vitest';
import type { Auth, AuthContext } from '../contracts/auth';
import { type RequestSpec, withHeaders } from '../contracts/request';
import { AuthError, ConfigError, HttpError } from '../errors';
import type { RestsyncEvent } from '../events';
import { type Responder, sendJson, serveForEachTest, type TestServer } from './__fixtures__/test-server';
import { createRestClient, type RestClientOptions } from './rest-client';

const clientSecret = 'client-secret-9f8e7d';
const serve = serveForEachTest();

const get = (url: string): RequestSpec => ({ method: 'GET', url, headers: {} });

async function failure(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected the request to fail');
}

/** Answers 200 only to `Authorization: Bearer <accepted token>`, 401 otherwise. */
function acceptsToken(accepted: () => string): Responder {
  return (request, response) => {
    if (request.headers.authorization === `Bearer ${accepted()}`) sendJson(response, 200, { ok: true });
    else sendJson(response, 401, { error: `token ${request.headers.authorization} expired` });
  };
}

/** A token auth: `refresh` swaps in the next token of `tokens` and registers it. */
function rotatingTokenAuth(tokens: string[]): Auth & { refreshes: number } {
  let current = tokens[0] ?? '';
  const auth = {
    kind: 'auth' as const,
    specificationVersion: 'v1' as const,
    type: 'rotating',
    refreshes: 0,
    apply: (request: RequestSpec) => withHeaders(request, { authorization: `Bearer ${current}` }),
    async refresh(context: AuthContext) {
      auth.refreshes += 1;
      current = tokens[auth.refreshes] ?? current;
      context.registerSecret(current);
    },
    secrets: () => [current],
  };
  return auth;
}

function setup(api: TestServer, options: Partial<RestClientOptions>) {
  const events: RestsyncEvent[] = [];
  const client = createRestClient({ baseUrl: api.url('/v1'), retry: { initialDelayMs: 1 }, ...options });
  client.events.on((event) => events.push(event));
  return { client, events };
}

describe('refresh on 401', () => {
  it('should refresh once, apply the auth again and repeat the request', async () => {
    const api = await serve(acceptsToken(() => 'token-two'));
    const auth = rotatingTokenAuth(['token-one', 'token-two']);
    const { client, events } = setup(api, { auth });

    const result = await client.send(get(api.url('/v1/items')), { resource: 'items' });

    expect(result.body).toEqual({ ok: true });
    expect(auth.refreshes).toBe(1);
    expect(api.requests.map((request) => request.headers.authorization)).toEqual([
      'Bearer token-one',
      'Bearer token-two',
    ]);
    expect(JSON.stringify(events)).toContain('refreshing the credentials');
    expect(JSON.stringify(events)).not.toContain('token-two');
  });

  it('should fail with an AuthError when the refreshed credentials get a 401 too', async () => {
    const api = await serve(acceptsToken(() => 'never'));
    const auth = rotatingTokenAuth(['token-one', 'token-two', 'token-three']);
    const { client } = setup(api, { auth });

    const error = await failure(client.send(get(api.url('/v1/items')), { resource: 'items' }));

    expect(error).toBeInstanceOf(AuthError);
    expect((error as AuthError).status).toBe(401);
    expect(error.message).not.toContain('token-two');
    expect(error.message).toContain('Bearer ***');
    expect(auth.refreshes).toBe(1);
    expect(api.requests).toHaveLength(2);
  });

  it('should share one refresh between concurrent requests that got a 401', async () => {
    const api = await serve(acceptsToken(() => 'token-two'));
    const auth = rotatingTokenAuth(['token-one', 'token-two', 'token-three']);
    const { client } = setup(api, { auth });

    const results = await Promise.all(
      ['a', 'b', 'c', 'd'].map((name) => client.send(get(api.url(`/v1/${name}`)), { resource: name })),
    );

    expect(results.map((result) => result.status)).toEqual([200, 200, 200, 200]);
    expect(auth.refreshes).toBe(1);
  });

  it('should not refresh for a 401 from another origin, which got no credentials', async () => {
    const elsewhere = await serve((_request, response) => sendJson(response, 401, {}));
    const api = await serve(acceptsToken(() => 'token-one'));
    const auth = rotatingTokenAuth(['token-one', 'token-two']);
    const { client } = setup(api, { auth });

    const error = await failure(client.send(get(elsewhere.url('/files/1')), { resource: 'files' }));

    expect(error).toBeInstanceOf(AuthError);
    expect(auth.refreshes).toBe(0);
    expect(elsewhere.requests[0]?.headers).not.toHaveProperty('authorization');
  });
});

describe('AuthContext.fetch', () => {
  /** Gets a token from `tokenUrl` on first use, with the client credentials grant. */
  function tokenAuth(tokenUrl: string): Auth & { contexts: AuthContext[] } {
    let token: Promise<string> | undefined;
    const auth = {
      kind: 'auth' as const,
      specificationVersion: 'v1' as const,
      type: 'token',
      contexts: [] as AuthContext[],
      async apply(request: RequestSpec, context: AuthContext) {
        auth.contexts.push(context);
        token ??= context
          .fetch({ url: tokenUrl, form: { grant_type: 'client_credentials', client_secret: clientSecret } })
          .then((response) => {
            const value = (response.body as { access_token: string }).access_token;
            context.registerSecret(value);
            return value;
          });
        return withHeaders(request, { authorization: `Bearer ${await token}` });
      },
      secrets: () => [clientSecret],
    };
    return auth;
  }

  it('should get a token through the retry policy, register it, and send it only to the API', async () => {
    let tokenCalls = 0;
    const tokens = await serve((_request, response) => {
      tokenCalls += 1;
      if (tokenCalls === 1) sendJson(response, 503, {});
      else sendJson(response, 200, { access_token: 'fetched-access-token', expires_in: 60 });
    });
    const api = await serve(acceptsToken(() => 'fetched-access-token'));
    const auth = tokenAuth(tokens.url('/oauth/token'));
    const { client, events } = setup(api, { auth, headers: { 'X-Client': 'restsync' } });

    await client.send(get(api.url('/v1/items')), { resource: 'items' });
    await client.send(get(api.url('/v1/items')), { resource: 'items' });

    expect(tokens.requests).toHaveLength(2);
    const [, tokenRequest] = tokens.requests;
    expect(tokenRequest?.method).toBe('POST');
    expect(tokenRequest?.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(Object.fromEntries(new URLSearchParams(tokenRequest?.body))).toEqual({
      grant_type: 'client_credentials',
      client_secret: clientSecret,
    });
    expect(tokenRequest?.headers).not.toHaveProperty('x-client');
    expect(api.requests).toHaveLength(2);
    expect(client.redactor.redact('fetched-access-token')).toBe('***');
    const retries = events.filter((event) => event.type === 'retry');
    expect(retries).toMatchObject([{ resource: 'items', status: 503, url: tokens.url('/oauth/token') }]);
    expect(auth.contexts[0]).toMatchObject({ origin: api.origin, resource: 'items' });
  });

  it('should fail a rejected token request with a redacted HttpError', async () => {
    const tokens = await serve((request, response) =>
      sendJson(response, 400, { error: 'invalid_client', echo: request.url, secret: clientSecret }),
    );
    const api = await serve(acceptsToken(() => 'unused'));
    const { client } = setup(api, {
      auth: tokenAuth(tokens.url(`/oauth/token?client_secret=${clientSecret}`)),
    });

    const error = await failure(client.send(get(api.url('/v1/items')), { resource: 'items' }));

    expect(HttpError.isInstance(error)).toBe(true);
    expect((error as HttpError).status).toBe(400);
    expect(error.message).toContain('invalid_client');
    expect(error.message).not.toContain(clientSecret);
    expect(api.requests).toHaveLength(0);
  });

  it('should hand the auth the signal of the request', async () => {
    const api = await serve((_request, response) => sendJson(response, 200, {}));
    const auth = tokenAuth(api.url('/oauth/token'));
    const { client } = setup(api, { auth });
    const controller = new AbortController();
    controller.abort(new Error('stopped by the user'));

    const error = await failure(
      client.send(get(api.url('/v1/items')), { resource: 'items', signal: controller.signal }),
    );

    expect(error.message).toBe('stopped by the user');
    expect(auth.contexts[0]?.signal.aborted).toBe(true);
    expect(api.requests).toHaveLength(0);
  });
});

describe('createRestClient', () => {
  it('should reject an auth written for an unknown contract version', () => {
    const future = { ...rotatingTokenAuth(['a-token']), specificationVersion: 'v2' } as unknown as Auth;
    const error = (() => {
      try {
        createRestClient({ baseUrl: 'https://api.example.test', auth: future });
      } catch (caught) {
        return caught;
      }
    })();
    expect(ConfigError.isInstance(error)).toBe(true);
    expect((error as ConfigError).issues[0]?.path).toBe('client.auth');
    expect((error as ConfigError).message).toContain('specificationVersion "v2"');
  });
});
