import { afterEach, describe, expect, it } from 'vitest';
import { inSequence } from './routes';
import { startTestServer, type TestServer } from './test-server';
import type { TestServerOptions } from './test-server-options';

const servers: TestServer[] = [];

afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

async function serve(options: TestServerOptions): Promise<TestServer> {
  const server = await startTestServer(options);
  servers.push(server);
  return server;
}

async function json(url: string): Promise<{ status: number; body: unknown }> {
  const response = await fetch(url, { redirect: 'manual' });
  return { status: response.status, body: await response.json() };
}

describe('startTestServer faults', () => {
  it('should answer data null or an empty page before the total, by the collection request number', async () => {
    const server = await serve({
      collections: { items: { records: 30, pageSize: 10, script: { 2: 'null-data', 3: 'empty-data' } } },
    });
    const url = server.collection('items').url;
    expect(((await json(`${url}?offset=0`)).body as { data: unknown[] }).data).toHaveLength(10);
    expect((await json(`${url}?offset=10`)).body).toEqual({ data: null, total: 30 });
    expect((await json(`${url}?offset=10`)).body).toEqual({ data: [], total: 30 });
    expect(server.stats().faults).toMatchObject({ 'null-data': 1, 'empty-data': 1 });
  });

  it('should answer an injected 401 once and then serve again', async () => {
    const server = await serve({ collections: { items: { records: 3 } }, script: { 1: '401' } });
    const url = server.collection('items').url;
    expect((await json(url)).status).toBe(401);
    expect((await json(url)).status).toBe(200);
  });

  it('should redirect with a 302 to the same path and query on another origin', async () => {
    const target = await serve({ collections: { items: { records: 3 } } });
    const server = await serve({ collections: { items: { redirectTo: target.url } } });
    const response = await fetch(`${server.url}/v1/items?offset=0`, { redirect: 'manual' });
    expect(response.status).toBe(302);
    expect(response.headers.get('location')).toBe(`${target.url}/v1/items?offset=0`);
    const followed = await fetch(`${server.url}/v1/items?offset=0`);
    expect(((await followed.json()) as { data: unknown[] }).data).toHaveLength(3);
    expect(target.requests[0]?.url).toBe('/v1/items?offset=0');
  });

  it('should ask the latency function once per request number and still serve', async () => {
    const delays: number[] = [];
    const server = await serve({
      collections: {
        items: {
          records: 3,
          latencyMs: (requestNumber) => {
            delays.push(requestNumber);
            return requestNumber === 2 ? 5 : 0;
          },
        },
      },
    });
    for (let index = 0; index < 3; index++)
      expect((await json(server.collection('items').url)).status).toBe(200);
    expect(delays).toEqual([1, 2, 3]);
  });
});

describe('startTestServer routes', () => {
  it('should answer scripted routes by method and path, and log each request with its JSON body', async () => {
    const server = await serve({
      routes: {
        'POST /v1/search': (request) => ({ status: 201, body: { echo: request.json } }),
        '/v1/flaky': () => ({ fault: '503' }),
      },
    });
    const created = await fetch(`${server.url}/v1/search`, {
      method: 'POST',
      body: JSON.stringify({ q: 'x' }),
    });
    expect(created.status).toBe(201);
    expect(await created.json()).toEqual({ echo: { q: 'x' } });
    expect((await fetch(`${server.url}/v1/flaky`)).status).toBe(503);
    expect(server.requests.map((request) => [request.handler, request.status])).toEqual([
      ['POST /v1/search', 201],
      ['/v1/flaky', 503],
    ]);
  });

  it('should send anything else to the fallback and list what nothing answered', async () => {
    const server = await serve({
      fallback: (request) => (request.path === '/known' ? { text: '[1,2]' } : undefined),
    });
    expect((await json(`${server.url}/known`)).body).toEqual([1, 2]);
    expect((await fetch(`${server.url}/unknown`)).status).toBe(404);
    expect(server.unhandled.map((request) => request.path)).toEqual(['/unknown']);
  });

  it('should answer a sequence of replies in order and repeat the last one', async () => {
    const server = await serve({
      routes: {
        '/v1/items': inSequence(
          () => ({ fault: 'reset' }),
          () => ({ fault: 'truncated', body: { data: [1, 2, 3] } }),
          () => ({ body: { data: [1, 2, 3] } }),
        ),
      },
    });
    const url = `${server.url}/v1/items`;
    await expect(fetch(url)).rejects.toThrow(TypeError);
    await expect((await fetch(url)).json()).rejects.toThrow();
    expect(await (await fetch(url)).json()).toEqual({ data: [1, 2, 3] });
    expect(await (await fetch(url)).json()).toEqual({ data: [1, 2, 3] });
    expect(server.requests.map((request) => request.index)).toEqual([0, 1, 2, 3]);
  });

  it('should never answer a hanging route, so the client has to give up', async () => {
    const server = await serve({ routes: { '/slow': () => ({ hang: true }) } });
    const controller = new AbortController();
    const pending = fetch(`${server.url}/slow`, { signal: controller.signal });
    await server.received(1);
    controller.abort();
    await expect(pending).rejects.toThrow();
    expect(server.requests[0]?.status).toBe(0);
  });

  it('should resolve received once the count of requests has arrived', async () => {
    const server = await serve({ fallback: () => ({ body: {} }) });
    const arrived = server.received(2);
    await fetch(`${server.url}/a`);
    await fetch(`${server.url}/b`);
    await expect(arrived).resolves.toBeUndefined();
  });

  it('should throw for an unknown collection name, naming the known ones', async () => {
    const server = await serve({ collections: { items: {} } });
    expect(() => server.collection('orders')).toThrow(/No collection "orders": this server has items/);
  });
});
