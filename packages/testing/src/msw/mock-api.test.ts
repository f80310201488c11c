import { ConfigError } from '@restsync/core';
import { HttpResponse } from 'msw';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { type MockApi, mockApi } from './mock-api';

const origin = 'https://api.example.com';
const resource = `${origin}/v1/resource`;

let api: MockApi;

beforeAll(() => {
  api = mockApi(
    {
      [`GET ${resource}`]: [
        { status: 503, body: { error: 'busy' } },
        { status: 429, headers: { 'retry-after': '2' } },
        { body: { data: [{ id: 1 }] } },
      ],
      'GET /v1/echo': (request, call) => ({ call, url: request.url }),
      'POST /v1/items': async (request) =>
        HttpResponse.json((await request.json()) as Record<string, unknown>, { status: 201 }),
      'GET /v1/items/:id': (request) => ({ id: new URL(request.url).pathname.split('/').pop() }),
      '* /v1/anything': () => new HttpResponse(null, { status: 204 }),
      'GET /v1/text': [{ body: '{"data": [', headers: { 'content-type': 'application/json' } }],
      'GET /v1/plain': [{ body: 'hello' }],
      'GET /v1/down': [{ networkError: true }, { body: { ok: true } }],
      'GET /v1/slow': [{ delayMs: 1000, body: { ok: true } }],
    },
    { baseUrl: origin },
  );
});

afterEach(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
  api.reset();
});

afterAll(() => api.close());

describe('mockApi', () => {
  it('should answer a sequence by call number and repeat the last entry', async () => {
    const first = await fetch(`${resource}?offset=0`);
    expect(first.status).toBe(503);
    expect(await first.json()).toEqual({ error: 'busy' });
    const second = await fetch(`${resource}?offset=0`);
    expect(second.status).toBe(429);
    expect(second.headers.get('retry-after')).toBe('2');
    expect(await second.text()).toBe('');
    for (let index = 0; index < 2; index++) {
      const response = await fetch(`${resource}?offset=0`);
      expect(response.status).toBe(200);
      expect(await response.json()).toEqual({ data: [{ id: 1 }] });
    }
  });

  it('should pass the request and call number to a function and send an object as JSON 200', async () => {
    const first = await fetch(`${origin}/v1/echo?x=1`);
    expect(first.status).toBe(200);
    expect(first.headers.get('content-type')).toContain('application/json');
    expect(await first.json()).toEqual({ call: 1, url: `${origin}/v1/echo?x=1` });
    expect(await (await fetch(`${origin}/v1/echo`)).json()).toMatchObject({ call: 2 });
  });

  it('should send a Response returned by a function as is', async () => {
    const response = await fetch(`${origin}/v1/items`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'widget' }),
    });
    expect(response.status).toBe(201);
    expect(await response.json()).toEqual({ name: 'widget' });
  });

  it('should match path parameters and any method for a * route', async () => {
    expect(await (await fetch(`${origin}/v1/items/42`)).json()).toEqual({ id: '42' });
    expect((await fetch(`${origin}/v1/anything`, { method: 'DELETE' })).status).toBe(204);
    expect((await fetch(`${origin}/v1/anything`, { method: 'PUT', body: 'x' })).status).toBe(204);
  });

  it('should send a string body as is, so broken JSON can be served', async () => {
    const broken = await fetch(`${origin}/v1/text`);
    expect(broken.headers.get('content-type')).toBe('application/json');
    await expect(broken.json()).rejects.toThrow(SyntaxError);
    const plain = await fetch(`${origin}/v1/plain`);
    expect(plain.headers.get('content-type')).toBe('text/plain');
    expect(await plain.text()).toBe('hello');
  });

  it('should make fetch reject for a networkError entry', async () => {
    await expect(fetch(`${origin}/v1/down`)).rejects.toThrow(TypeError);
    expect(await (await fetch(`${origin}/v1/down`)).json()).toEqual({ ok: true });
  });

  it('should wait delayMs before responding, on fake timers too', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    let settled = false;
    const pending = fetch(`${origin}/v1/slow`).then((response) => {
      settled = true;
      return response.json();
    });
    await vi.advanceTimersByTimeAsync(999);
    expect(settled).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(await pending).toEqual({ ok: true });
  });

  it('should make an unmatched request fail and say which request it was', async () => {
    const consoleError = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    await expect(fetch(`${origin}/v1/unknown`)).rejects.toThrow();
    expect(String(consoleError.mock.calls[0]?.[1] ?? consoleError.mock.calls[0]?.[0])).toContain(
      `${origin}/v1/unknown`,
    );
    expect(api.calls).toHaveLength(0);
  });
});

describe('mockApi recorder', () => {
  it('should record method, url, query, headers, parsed body and call number', async () => {
    await fetch(`${resource}?offset=100&limit=100&api_key=abc`, { headers: { 'X-Trace': 't-1' } });
    await fetch(`${origin}/v1/items`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'widget' }),
    });
    await fetch(`${origin}/v1/anything`, { method: 'PUT', body: 'not json' });
    expect(api.calls).toHaveLength(3);
    expect(api.calls[0]).toMatchObject({
      routeKey: `GET ${resource}`,
      method: 'GET',
      url: `${resource}?offset=100&limit=100&api_key=abc`,
      query: { offset: '100', limit: '100', api_key: 'abc' },
      headers: { 'x-trace': 't-1' },
      body: undefined,
      call: 1,
    });
    expect(api.calls[1]).toMatchObject({ method: 'POST', body: { name: 'widget' }, call: 1 });
    expect(api.calls[2]).toMatchObject({
      routeKey: `* ${origin}/v1/anything`,
      method: 'PUT',
      body: 'not json',
    });
  });

  it('should list the calls of one route with callsTo, relative keys included', async () => {
    await fetch(resource);
    await fetch(`${origin}/v1/echo`);
    await fetch(`${resource}?offset=100`);
    const resourceCalls = api.callsTo('get /v1/resource');
    expect(resourceCalls.map((call) => call.call)).toEqual([1, 2]);
    expect(resourceCalls[1]?.query).toEqual({ offset: '100' });
    expect(api.callsTo(`GET ${origin}/v1/echo`)).toHaveLength(1);
    expect(api.callsTo('GET /v1/plain')).toEqual([]);
  });

  it('should replace a route with use() and start its call count at 1', async () => {
    await fetch(`${origin}/v1/echo`);
    api.use({ 'GET /v1/echo': [{ status: 500 }, { body: { replaced: true } }] });
    expect((await fetch(`${origin}/v1/echo`)).status).toBe(500);
    expect(await (await fetch(`${origin}/v1/echo`)).json()).toEqual({ replaced: true });
    expect(api.callsTo('GET /v1/echo').map((call) => call.call)).toEqual([1, 1, 2]);
  });

  it('should forget calls, restart sequences and drop use() routes on reset', async () => {
    api.use({ 'GET /v1/echo': () => ({ replaced: true }) });
    await fetch(resource);
    await fetch(`${origin}/v1/echo`);
    api.reset();
    expect(api.calls).toHaveLength(0);
    expect((await fetch(resource)).status).toBe(503);
    expect(await (await fetch(`${origin}/v1/echo`)).json()).toMatchObject({ call: 1 });
  });
});

describe('mockApi route keys', () => {
  it.each([
    ['GET https://api.example.com/v1/resource?offset=0', /query string/],
    ['GET /v1/resource', /baseUrl/],
    ['FETCH https://api.example.com/v1/resource', /unknown method "FETCH"/],
    ['https://api.example.com/v1/resource', /<METHOD> <url>/],
    ['GET ftp://api.example.com/file', /absolute http/],
  ])('should reject %s with a ConfigError that names the route', (key, message) => {
    const attempt = () => mockApi({ [key]: [{ status: 200 }] });
    expect(attempt).toThrow(ConfigError);
    expect(attempt).toThrow(message);
    expect(attempt).toThrow(JSON.stringify(key));
  });

  it('should reject an empty sequence', () => {
    expect(() => api.use({ [`GET ${resource}`]: [] })).toThrow(/at least one entry/);
    expect(() => mockApi({ [`GET ${resource}`]: [] })).toThrow(/at least one entry/);
  });
});
