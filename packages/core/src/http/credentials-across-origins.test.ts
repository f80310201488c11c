import { describe, expect, it } from 'vitest';
import type { Auth } from '../contracts/auth';
import { type RequestSpec, withHeaders, withQuery } from '../contracts/request';
import { HttpError } from '../errors';
import { createEventBus, type RestsyncEvent } from '../events';
import { createRedactor } from '../redact';
import { restApiSource } from '../source/rest-api-source';
import { type Responder, sendJson, serveForEachTest, type TestServer } from './__fixtures__/test-server';
import { createRestClient, type RestClientOptions } from './rest-client';

const key = 'sk_live_hostile_redirect_42';
const serve = serveForEachTest();

function auth(type: string, apply: (request: RequestSpec) => RequestSpec): Auth {
  return { kind: 'auth', specificationVersion: 'v1', type, apply, secrets: () => [key] };
}

const auths = {
  'an API key header': auth('api_key', (request) => withHeaders(request, { 'x-api-key': key })),
  'an API key cookie': auth('api_key', (request) => withHeaders(request, { cookie: `session=${key}` })),
  'a bearer Authorization header': auth('bearer', (request) =>
    withHeaders(request, { authorization: `Bearer ${key}` }),
  ),
  'an API key in the query': auth('api_key', (request) => withQuery(request, { api_key: key })),
};

const ok: Responder = (_request, response) => sendJson(response, 200, { ok: true });

const redirectTo =
  (location: string, status = 302): Responder =>
  (_request, response) => {
    response.writeHead(status, { location });
    response.end();
  };

function client(api: TestServer, options: Partial<RestClientOptions> = {}) {
  const events: RestsyncEvent[] = [];
  const restClient = createRestClient({ baseUrl: api.url('/v1'), retry: { initialDelayMs: 1 }, ...options });
  restClient.events.on((event) => events.push(event));
  return { client: restClient, events };
}

const get = (url: string): RequestSpec => ({ method: 'GET', url, headers: {} });

async function failure(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected the request to fail');
}

const warningsOf = (events: RestsyncEvent[]) =>
  events.flatMap((event) => (event.type === 'log' && event.level === 'warn' ? [event.message] : []));

/** Every header and the URL a server received, as one text to search for the key. */
const received = (server: TestServer) =>
  JSON.stringify(server.requests.map(({ url, headers }) => ({ url, headers })));

describe('redirects to another origin', () => {
  // A 302 to another origin carried the X-API-Key header there (fetch itself dropped only Authorization and Cookie).
  it.each(Object.entries(auths))('should not send %s to the other origin', async (_name, restAuth) => {
    const elsewhere = await serve(ok);
    const api = await serve(redirectTo(elsewhere.url('/landing')));
    const { client: restClient } = client(api, { auth: restAuth, headers: { 'X-Client': 'restsync' } });

    for (let request = 0; request < 3; request += 1) {
      const result = await restClient.send(get(api.url('/v1/items')), { resource: 'items' });
      expect(result.body).toEqual({ ok: true });
    }

    expect(received(api)).toContain(key);
    expect(elsewhere.requests).toHaveLength(3);
    expect(received(elsewhere)).not.toContain(key);
    for (const request of elsewhere.requests) {
      expect(request.headers).not.toHaveProperty('x-api-key');
      expect(request.headers).not.toHaveProperty('authorization');
      expect(request.headers).not.toHaveProperty('cookie');
      expect(request.headers['x-client']).toBe('restsync');
    }
  });

  // Secret-bearing client headers (no auth object at all) followed the redirect too.
  it('should not send Authorization, Cookie or a header holding a secret from client.headers', async () => {
    const elsewhere = await serve(ok);
    const api = await serve(redirectTo(elsewhere.url('/landing'), 307));
    const redactor = createRedactor([key]);
    const { client: restClient, events } = client(api, {
      redactor,
      headers: {
        Authorization: 'Basic dXNlcjpwYXNz',
        Cookie: 'theme=dark',
        'X-Token': `token ${key}`,
        'X-Client': 'restsync',
      },
    });

    await restClient.send(get(api.url('/v1/items')), { resource: 'items' });

    expect(api.requests[0]?.headers).toMatchObject({
      authorization: 'Basic dXNlcjpwYXNz',
      cookie: 'theme=dark',
      'x-token': `token ${key}`,
    });
    const [landing] = elsewhere.requests;
    expect(landing?.headers).not.toHaveProperty('authorization');
    expect(landing?.headers).not.toHaveProperty('cookie');
    expect(landing?.headers).not.toHaveProperty('x-token');
    expect(landing?.headers['x-client']).toBe('restsync');
    expect(warningsOf(events)).toEqual([
      expect.stringContaining(
        `not sending the headers "authorization", "cookie", "x-token" to ${elsewhere.origin}`,
      ),
    ]);
  });

  it('should apply the auth again on a redirect within the configured origin', async () => {
    const api = await serve((request, response, recorded, index) =>
      index === 0
        ? redirectTo('/v1/moved', 301)(request, response, recorded, index)
        : ok(request, response, recorded, index),
    );
    const { client: restClient } = client(api, { auth: auths['an API key in the query'] });

    await restClient.send(get(api.url('/v1/items')), { resource: 'items' });

    expect(api.requests.map((request) => request.url)).toEqual([
      `/v1/items?api_key=${key}`,
      `/v1/moved?api_key=${key}`,
    ]);
  });

  // A 307 to another origin would have re-sent a body holding a secret there.
  it('should refuse a redirect that would carry a body holding a secret to another origin', async () => {
    const elsewhere = await serve(ok);
    const api = await serve(redirectTo(elsewhere.url('/collect'), 307));
    const { client: restClient } = client(api, { redactor: createRedactor([key]) });

    const error = await failure(
      restClient.send(
        { method: 'POST', url: api.url('/v1/search'), headers: {}, json: { token: key } },
        { resource: 'search' },
      ),
    );

    expect(HttpError.isInstance(error)).toBe(true);
    expect(error.message).toContain('body holding a secret');
    expect(error.message).not.toContain(key);
    expect(elsewhere.requests).toHaveLength(0);
  });

  // A redirect loop was followed without end.
  it('should stop after maxRedirects with an HttpError naming the redacted URL, without retrying', async () => {
    const api = await serve(redirectTo('/v1/items'));
    const { client: restClient } = client(api, { auth: auths['an API key in the query'], maxRedirects: 3 });

    const error = await failure(restClient.send(get(api.url('/v1/items')), { resource: 'items' }));

    expect(HttpError.isInstance(error)).toBe(true);
    expect((error as HttpError).status).toBe(302);
    expect(error.message).toContain('more than 3 redirects');
    expect(error.message).toContain(`${api.url('/v1/items')}?api_key=***`);
    expect(error.message).not.toContain(key);
    expect(api.requests).toHaveLength(4);
  });

  it('should turn a POST answered with 303 into a GET without body', async () => {
    const api = await serve((request, response, recorded, index) =>
      index === 0
        ? redirectTo('/v1/result', 303)(request, response, recorded, index)
        : ok(request, response, recorded, index),
    );
    const { client: restClient } = client(api);

    await restClient.send(
      { method: 'POST', url: api.url('/v1/search'), headers: {}, json: { query: 'a' } },
      { resource: 'search' },
    );

    expect(api.requests.map((request) => [request.method, request.url, request.body])).toEqual([
      ['POST', '/v1/search', '{"query":"a"}'],
      ['GET', '/v1/result', ''],
    ]);
    expect(api.requests[1]?.headers).not.toHaveProperty('content-type');
  });
});

describe('requests to another origin', () => {
  // An absolute endpoint URL on another origin received a secret from client.headers (X-Token).
  it('should not send a client header holding a secret to an absolute URL on another origin', async () => {
    const elsewhere = await serve(ok);
    const api = await serve(ok);
    const { client: restClient, events } = client(api, {
      redactor: createRedactor([key]),
      headers: { 'X-Token': key, 'X-Client': 'restsync' },
    });

    await restClient.send(get(api.url('/v1/items')), { resource: 'items' });
    await restClient.send(get(elsewhere.url('/files/1')), { resource: 'files' });
    await restClient.send(get(elsewhere.url('/files/2')), { resource: 'files' });

    expect(api.requests[0]?.headers['x-token']).toBe(key);
    expect(received(elsewhere)).not.toContain(key);
    expect(elsewhere.requests[0]?.headers['x-client']).toBe('restsync');
    expect(warningsOf(events)).toEqual([
      expect.stringContaining(`not sending the header "x-token" to ${elsewhere.origin}`),
    ]);
  });

  // Same leak, through a declarative source: a secret header and an absolute endpoint path.
  it('should not send a secret client header of a source to an endpoint on another origin', async () => {
    const elsewhere = await serve((_request, response) => sendJson(response, 200, [{ id: 1 }]));
    const api = await serve((_request, response) => sendJson(response, 200, [{ id: 2 }]));
    const source = restApiSource(
      {
        client: { base_url: api.url('/v1'), headers: { 'X-Token': { secret: 'x_token' } } },
        resources: [
          { name: 'local', endpoint: { path: 'items' } },
          { name: 'remote', endpoint: { path: elsewhere.url('/export') } },
        ],
      },
      { env: { X_TOKEN: key } },
    );

    const pages = [];
    for await (const page of source.pages({ events: createEventBus() })) pages.push(page);

    expect(pages.map((page) => page.records)).toEqual([[{ id: 2 }], [{ id: 1 }]]);
    expect(api.requests[0]?.headers['x-token']).toBe(key);
    expect(received(elsewhere)).not.toContain(key);
  });
});
