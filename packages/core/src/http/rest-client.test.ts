import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Auth } from '../contracts/auth';
import { type RequestSpec, withQuery } from '../contracts/request';
import { AuthError, ConfigError, HttpError, RateLimitError, ResponseError } from '../errors';
import type { RestsyncEvent } from '../events';
import {
  cutBodyMidStream,
  inSequence,
  neverAnswer,
  resetConnection,
  sendJson,
  startTestServer,
  type TestServer,
} from './__fixtures__/test-server';
import { createApiLimits } from './api-limits';
import { createRestClient, type RestClientOptions } from './rest-client';

const apiKey = 'sk live/secret+key=42';
const secretForms = [
  apiKey,
  encodeURIComponent(apiKey),
  new URLSearchParams({ v: apiKey }).toString().slice(2),
];

function queryKeyAuth(key: string): Auth {
  return {
    kind: 'auth',
    specificationVersion: 'v1',
    type: 'api_key',
    apply: (request) => withQuery(request, { api_key: key }),
    secrets: () => [key],
  };
}

const servers: TestServer[] = [];

async function serve(...responders: Parameters<typeof inSequence>): Promise<TestServer> {
  const server = await startTestServer(inSequence(...responders));
  servers.push(server);
  return server;
}

afterEach(async () => {
  vi.useRealTimers();
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

function setup(server: TestServer, options: Partial<RestClientOptions> = {}) {
  const client = createRestClient({
    baseUrl: server.url('/v1'),
    auth: queryKeyAuth(apiKey),
    retry: { initialDelayMs: 1 },
    ...options,
  });
  const events: RestsyncEvent[] = [];
  client.events.on((event) => events.push(event));
  return { client, events };
}

function get(url: string): RequestSpec {
  return { method: 'GET', url, headers: {} };
}

function ofType<T extends RestsyncEvent['type']>(events: RestsyncEvent[], type: T) {
  return events.filter((event): event is Extract<RestsyncEvent, { type: T }> => event.type === type);
}

async function failure(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected the request to fail');
}

const ok = (_request: unknown, response: Parameters<typeof sendJson>[0]) =>
  sendJson(response, 200, { ok: true });
const unavailable = (_request: unknown, response: Parameters<typeof sendJson>[0]) =>
  sendJson(response, 503, { error: 'unavailable' });

describe('createRestClient', () => {
  it('should reject a base URL that is not absolute with a ConfigError naming client.baseUrl', () => {
    const error = (() => {
      try {
        createRestClient({ baseUrl: 'api.example.com/v1' });
      } catch (caught) {
        return caught;
      }
    })();
    expect(ConfigError.isInstance(error)).toBe(true);
    expect((error as ConfigError).issues[0]?.path).toBe('client.baseUrl');
  });

  it('should register the auth secrets with the redactor at creation', () => {
    const client = createRestClient({ baseUrl: 'https://api.example.com', auth: queryKeyAuth(apiKey) });
    expect(client.redactor.redact(`key is ${apiKey}`)).toBe('key is ***');
  });
});

describe('resolveUrl', () => {
  it('should continue the base path and set query parameters, skipping undefined ones', () => {
    const client = createRestClient({ baseUrl: 'https://api.example.com/v1' });
    expect(client.resolveUrl('/users', { limit: 10, active: true, cursor: undefined })).toBe(
      'https://api.example.com/v1/users?limit=10&active=true',
    );
    expect(client.resolveUrl('https://other.example.com/x?a=1')).toBe('https://other.example.com/x?a=1');
  });
});

describe('send', () => {
  // The CLI's "time waited" left out the waits of the client's own rate limit: they were never reported.
  it('should report the time a request waited for the rate limit in a rate_limit_wait event', async () => {
    const server = await serve(ok, ok);
    const limits = createApiLimits({ rateLimit: { requestsPerSecond: 2 } });
    const { client, events } = setup(server, { limits });

    await Promise.all([
      client.send(get(server.url('/v1/a')), { resource: 'items' }),
      client.send(get(server.url('/v1/b')), { resource: 'items' }),
    ]);

    const waits = ofType(events, 'rate_limit_wait');
    expect(waits).toHaveLength(1);
    expect(waits[0]?.resource).toBe('items');
    // One token every 500 ms: the second request waited for most of that.
    expect(waits[0]?.waitMs).toBeGreaterThanOrEqual(250);
  });

  it('should emit no rate_limit_wait event for a client without a rate limit', async () => {
    const server = await serve(ok, ok);
    const { client, events } = setup(server);

    await Promise.all([
      client.send(get(server.url('/v1/a')), { resource: 'items' }),
      client.send(get(server.url('/v1/b')), { resource: 'items' }),
    ]);

    expect(ofType(events, 'rate_limit_wait')).toEqual([]);
  });

  it('should succeed after two 503 responses, with a retry event and a warn log line per retry', async () => {
    const server = await serve(unavailable, unavailable, ok);
    const { client, events } = setup(server);

    const result = await client.send(get(server.url('/v1/items')), { resource: 'items' });

    expect(result.body).toEqual({ ok: true });
    expect(server.requests).toHaveLength(3);
    const retries = ofType(events, 'retry');
    expect(retries.map((event) => [event.attempt, event.reason, event.status])).toEqual([
      [1, 'HTTP 503', 503],
      [2, 'HTTP 503', 503],
    ]);
    expect(ofType(events, 'request').map((event) => event.attempt)).toEqual([1, 2, 3]);
    const warnings = ofType(events, 'log').filter((event) => event.level === 'warn');
    expect(warnings).toHaveLength(2);
    expect(warnings[0]?.message).toContain('resource "items"');
    expect(warnings[0]?.message).toContain('HTTP 503');
  });

  it('should fail with an HttpError reporting 4 attempts after five 503 responses', async () => {
    const server = await serve(unavailable);
    const { client } = setup(server);

    const error = await failure(client.send(get(server.url('/v1/items')), { resource: 'items' }));

    expect(HttpError.isInstance(error)).toBe(true);
    const httpError = error as HttpError;
    expect(httpError.attempts).toBe(4);
    expect(httpError.status).toBe(503);
    expect(httpError.isRetryable).toBe(true);
    expect(httpError.message).toContain('4 attempts');
    expect(httpError.details.body).toContain('unavailable');
    expect(server.requests).toHaveLength(4);
  });

  it('should grow the delay exponentially and cap it at maxDelayMs', async () => {
    const server = await serve(unavailable);
    const { client, events } = setup(server, {
      retry: { initialDelayMs: 1, backoffFactor: 3, maxDelayMs: 5, maxRetries: 3 },
    });

    await failure(client.send(get(server.url('/v1/items')), { resource: 'items' }));

    expect(ofType(events, 'retry').map((event) => event.delayMs)).toEqual([1, 3, 5]);
  });

  it('should let a per-resource retry option override the client one', async () => {
    const server = await serve(unavailable);
    const { client } = setup(server);

    const error = await failure(
      client.send(get(server.url('/v1/items')), { resource: 'items', retry: { maxRetries: 1 } }),
    );

    expect((error as HttpError).attempts).toBe(2);
    expect(server.requests).toHaveLength(2);
  });

  it('should wait exactly the seconds a Retry-After header asks for', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    const server = await serve(
      (_request, response) => sendJson(response, 429, {}, { 'retry-after': '2' }),
      ok,
    );
    const { client, events } = setup(server);
    const retried = new Promise<void>((resolve) =>
      client.events.on((event) => event.type === 'retry' && resolve()),
    );

    const sending = client.send(get(server.url('/v1/items')), { resource: 'items' });
    await retried;
    await new Promise((resolve) => setImmediate(resolve));
    await vi.advanceTimersByTimeAsync(1999);
    expect(ofType(events, 'request')).toHaveLength(1);
    expect(server.requests).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(ofType(events, 'request')).toHaveLength(2);
    await server.received(2);

    await expect(sending).resolves.toMatchObject({ status: 200, body: { ok: true } });
    expect(ofType(events, 'retry')[0]).toMatchObject({ delayMs: 2000, retryAfter: true, status: 429 });
  });

  it('should wait until the HTTP date a Retry-After header names', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    vi.setSystemTime(new Date('2030-01-01T00:00:00.000Z'));
    const retryAt = new Date('2030-01-01T00:00:05.000Z').toUTCString();
    const server = await serve(
      (_request, response) => sendJson(response, 503, {}, { 'retry-after': retryAt }),
      ok,
    );
    const { client, events } = setup(server);
    const retried = new Promise<void>((resolve) =>
      client.events.on((event) => event.type === 'retry' && resolve()),
    );

    const sending = client.send(get(server.url('/v1/items')), { resource: 'items' });
    await retried;
    await new Promise((resolve) => setImmediate(resolve));
    await vi.advanceTimersByTimeAsync(4999);
    expect(ofType(events, 'request')).toHaveLength(1);
    expect(server.requests).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(ofType(events, 'request')).toHaveLength(2);
    await server.received(2);

    await expect(sending).resolves.toMatchObject({ status: 200 });
    expect(ofType(events, 'retry')[0]).toMatchObject({ delayMs: 5000, retryAfter: true });
  });

  it('should fail at once with a RateLimitError when Retry-After asks for longer than maxRetryDelayMs', async () => {
    const server = await serve((_request, response) =>
      sendJson(response, 429, {}, { 'retry-after': '3600' }),
    );
    const { client, events } = setup(server);

    const error = await failure(client.send(get(server.url('/v1/items')), { resource: 'items' }));

    expect(error).toBeInstanceOf(RateLimitError);
    expect((error as RateLimitError).waitMs).toBe(3_600_000);
    expect(error.message).toContain('3600 s');
    expect(error.message).toContain('maxRetryDelayMs');
    expect(server.requests).toHaveLength(1);
    expect(ofType(events, 'retry')).toHaveLength(0);
  });

  it('should fail with a RateLimitError when 429 responses outlast the retries', async () => {
    const server = await serve((_request, response) => sendJson(response, 429, { error: 'slow down' }));
    const { client } = setup(server);

    const error = await failure(client.send(get(server.url('/v1/items')), { resource: 'items' }));

    expect(error).toBeInstanceOf(RateLimitError);
    expect((error as RateLimitError).attempts).toBe(4);
    expect(error.message).toContain('4 attempts');
  });

  it('should retry a connection reset and then succeed', async () => {
    const server = await serve(resetConnection, ok);
    const { client, events } = setup(server);

    const result = await client.send(get(server.url('/v1/items')), { resource: 'items' });

    expect(result.body).toEqual({ ok: true });
    expect(server.requests).toHaveLength(2);
    expect(ofType(events, 'retry')).toHaveLength(1);
    expect(ofType(events, 'retry')[0]?.status).toBeUndefined();
  });

  it('should retry a body cut off mid-stream and then succeed', async () => {
    const server = await serve(cutBodyMidStream, ok);
    const { client, events } = setup(server);

    const result = await client.send(get(server.url('/v1/items')), { resource: 'items' });

    expect(result.body).toEqual({ ok: true });
    expect(server.requests).toHaveLength(2);
    expect(ofType(events, 'retry')[0]?.reason).toMatch(/UND_ERR_SOCKET|terminated|ECONNRESET/);
  });

  it('should fail with a retryable HttpError without status and with the cause chained when resets persist', async () => {
    const server = await serve(resetConnection);
    const { client } = setup(server, { retry: { initialDelayMs: 1, maxRetries: 2 } });

    const error = await failure(client.send(get(server.url('/v1/items')), { resource: 'items' }));

    expect(HttpError.isInstance(error)).toBe(true);
    const httpError = error as HttpError;
    expect(httpError.status).toBeUndefined();
    expect(httpError.attempts).toBe(3);
    expect(httpError.isRetryable).toBe(true);
    expect(httpError.cause).toBeInstanceOf(Error);
    expect(server.requests).toHaveLength(3);
  });

  it('should retry an attempt that times out and then fail with an HttpError naming timeoutMs', async () => {
    const server = await serve(neverAnswer);
    const { client, events } = setup(server, { timeoutMs: 50, retry: { initialDelayMs: 1, maxRetries: 2 } });

    const error = await failure(client.send(get(server.url('/v1/items')), { resource: 'items' }));

    expect(HttpError.isInstance(error)).toBe(true);
    expect((error as HttpError).status).toBeUndefined();
    expect((error as HttpError).attempts).toBe(3);
    expect(error.message).toContain('timeoutMs');
    expect(ofType(events, 'retry').map((event) => event.reason)).toEqual(['ETIMEDOUT', 'ETIMEDOUT']);
    await server.received(3);
  });

  it('should fail a 401 with an AuthError after one request, without the key in the message', async () => {
    const server = await serve((_request, response) =>
      sendJson(response, 401, { error: `bad key ${apiKey}` }),
    );
    const { client } = setup(server);

    const error = await failure(client.send(get(server.url('/v1/items')), { resource: 'items' }));

    expect(error).toBeInstanceOf(AuthError);
    expect(server.requests).toHaveLength(1);
    expect(new URL(server.url(server.requests[0]?.url ?? '')).searchParams.get('api_key')).toBe(apiKey);
    for (const form of secretForms) expect(error.message).not.toContain(form);
    expect(error.message).toContain('api_key=***');
  });

  it('should fail a 404 with an HttpError naming the resource and the redacted URL, without retrying', async () => {
    const server = await serve((_request, response) => sendJson(response, 404, { error: 'not found' }));
    const { client } = setup(server);

    const error = await failure(client.send(get(server.url('/v1/items?page=2')), { resource: 'items' }));

    expect(HttpError.isInstance(error)).toBe(true);
    expect((error as HttpError).status).toBe(404);
    expect(error.message).toContain('resource "items"');
    expect(error.message).toContain(`${server.url('/v1/items')}?page=2&api_key=***`);
    expect((error as HttpError).details.url).toContain('api_key=***');
    expect(server.requests).toHaveLength(1);
  });

  it('should return a response matched by a response action as ignored instead of throwing', async () => {
    const server = await serve((_request, response) => sendJson(response, 404, { error: 'not found' }));
    const { client } = setup(server);

    const result = await client.send(get(server.url('/v1/items/7')), {
      resource: 'items',
      responseActions: [{ status: 404, action: 'ignore' }],
    });

    expect(result.status).toBe(404);
    expect(result.ignored).toBe('status 404 matched a response action');
  });

  it('should fail malformed JSON with a ResponseError carrying a short snippet, without retrying', async () => {
    const garbage = `<html>${'x'.repeat(1000)}</html>`;
    const server = await serve((_request, response) => {
      response.writeHead(200, { 'content-type': 'text/html' });
      response.end(garbage);
    });
    const { client } = setup(server);

    const error = await failure(client.send(get(server.url('/v1/items')), { resource: 'items' }));

    expect(error).toBeInstanceOf(ResponseError);
    expect(error.message).toContain('resource "items"');
    expect(error.message).toContain('<html>xxx');
    expect(error.message).not.toContain('x'.repeat(201));
    expect(error.message).toContain('api_key=***');
    expect(server.requests).toHaveLength(1);
  });

  it('should return undefined for an empty body', async () => {
    const server = await serve((_request, response) => {
      response.writeHead(204);
      response.end();
    });
    const { client } = setup(server);

    const result = await client.send(get(server.url('/v1/items')), { resource: 'items' });

    expect(result.status).toBe(204);
    expect(result.body).toBeUndefined();
  });

  it('should send a JSON body with its content type and the client default headers', async () => {
    const server = await serve(ok);
    const { client } = setup(server, { headers: { 'X-Client': 'restsync' } });

    await client.send(
      { method: 'post', url: server.url('/v1/search'), headers: {}, json: { query: 'a' } },
      { resource: 'search' },
    );

    const [received] = server.requests;
    expect(received?.method).toBe('POST');
    expect(received?.headers['content-type']).toBe('application/json');
    expect(received?.headers['x-client']).toBe('restsync');
    expect(JSON.parse(received?.body ?? '')).toEqual({ query: 'a' });
  });

  it('should send a request to another origin without credentials', async () => {
    const api = await serve(ok);
    const elsewhere = await serve(ok);
    const { client } = setup(api);

    await client.send(get(elsewhere.url('/files/1')), { resource: 'files' });

    expect(elsewhere.requests[0]?.url).toBe('/files/1');
  });

  it('should stop waiting for a retry as soon as the signal aborts', async () => {
    const server = await serve((_request, response) => sendJson(response, 503, {}, { 'retry-after': '50' }));
    const { client } = setup(server);
    const controller = new AbortController();
    client.events.on((event) => {
      if (event.type === 'retry') controller.abort(new Error('stopped by the user'));
    });

    const error = await failure(
      client.send(get(server.url('/v1/items')), { resource: 'items', signal: controller.signal }),
    );

    expect(error.message).toBe('stopped by the user');
    expect(server.requests).toHaveLength(1);
  });

  it('should keep every secret out of events, log lines, the errors and their cause chains', async () => {
    const echo = (request: { url?: string }, response: Parameters<typeof sendJson>[0]) =>
      sendJson(response, 500, { error: `invalid request ${request.url} for key ${apiKey}` });
    const endsWithStatus = await serve(resetConnection, echo);
    const endsWithReset = await serve(echo, resetConnection);
    // A low-level error may quote the URL it failed on, key included.
    const quotingFetch: typeof fetch = async (input, init) => {
      try {
        return await fetch(input, init);
      } catch (error) {
        throw new TypeError(`fetch failed for ${String(input)}`, { cause: error });
      }
    };
    const events: RestsyncEvent[] = [];
    const errors: Error[] = [];
    for (const server of [endsWithStatus, endsWithReset]) {
      const { client, events: clientEvents } = setup(server, { fetch: quotingFetch });
      errors.push(await failure(client.send(get(server.url('/v1/items')), { resource: 'items' })));
      events.push(...clientEvents);
    }

    const texts = [JSON.stringify(events)];
    for (const error of errors) {
      texts.push(JSON.stringify((error as HttpError).details));
      for (let current: unknown = error; current instanceof Error; current = current.cause) {
        texts.push(current.message, current.stack ?? '');
      }
    }
    const everything = texts.join('\n');
    expect(ofType(events, 'log')).toHaveLength(6);
    expect(errors.map((error) => (error as HttpError).status)).toEqual([500, undefined]);
    expect(everything).toContain('for key ***');
    expect(everything).toContain('fetch failed for');
    for (const form of secretForms) expect(everything).not.toContain(form);
  });
});
