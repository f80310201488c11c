import { brotliCompressSync, deflateSync, gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { HttpError } from '../errors';
import { serveForEachTest } from './__fixtures__/test-server';
import { createRestClient } from './rest-client';
import { originAndPath } from './transport';

const serve = serveForEachTest();
const body = { items: [{ id: 1, name: 'ünïcode' }] };

describe('the default transport (undici)', () => {
  it.each([
    ['gzip', gzipSync],
    ['deflate', deflateSync],
    ['br', brotliCompressSync],
  ] as const)(
    'should decode a %s body and drop the encoding headers, as fetch does',
    async (encoding, compress) => {
      const server = await serve((_request, response) => {
        const compressed = compress(Buffer.from(JSON.stringify(body)));
        response.writeHead(200, {
          'content-type': 'application/json',
          'content-encoding': encoding,
          'content-length': String(compressed.length),
        });
        response.end(compressed);
      });
      const client = createRestClient({ baseUrl: server.origin });

      const result = await client.send({ method: 'GET', url: '/items', headers: {} }, { resource: 'items' });

      expect(result.body).toEqual(body);
      expect(result.headers.get('content-encoding')).toBeNull();
      expect(result.headers.get('content-length')).toBeNull();
      expect(server.requests[0]?.headers['accept-encoding']).toBe('gzip, deflate, br');
    },
  );

  it('should give the same status and headers as fetch for the same response', async () => {
    const server = await serve((_request, response) => {
      response.setHeader('content-type', 'application/json');
      response.setHeader('set-cookie', ['a=1; Path=/', 'b=2']);
      response.setHeader('x-trace', ['one', 'two']);
      response.setHeader('link', '<http://127.0.0.1/items?page=2>; rel="next"');
      response.setHeader('date', 'Thu, 03 Dec 2026 04:00:00 GMT');
      response.writeHead(200);
      response.end(JSON.stringify(body));
    });
    const viaUndici = await createRestClient({ baseUrl: server.origin }).send(
      { method: 'GET', url: '/items', headers: {} },
      { resource: 'items' },
    );
    const viaFetch = await createRestClient({ baseUrl: server.origin, fetch: globalThis.fetch }).send(
      { method: 'GET', url: '/items', headers: {} },
      { resource: 'items' },
    );

    expect(viaUndici.status).toBe(viaFetch.status);
    expect([...viaUndici.headers]).toEqual([...viaFetch.headers]);
    expect(viaUndici.headers.get('x-trace')).toBe('one, two');
    expect(viaUndici.headers.getSetCookie()).toEqual(['a=1; Path=/', 'b=2']);
    expect(viaUndici.body).toEqual(viaFetch.body);
  });

  it('should time out while the body is still arriving, and retry', async () => {
    const server = await serve((_request, response) => {
      response.writeHead(200, { 'content-type': 'application/json', 'content-length': '100' });
      response.write('{"items": [');
      // The rest never comes.
    });
    const client = createRestClient({
      baseUrl: server.origin,
      timeoutMs: 100,
      retry: { maxRetries: 1, initialDelayMs: 1 },
    });

    const error = await client
      .send({ method: 'GET', url: '/items', headers: {} }, { resource: 'items' })
      .catch((caught) => caught);

    expect(error).toBeInstanceOf(HttpError);
    expect((error as HttpError).message).toContain('timeoutMs');
    expect(server.requests).toHaveLength(2);
  });

  it("should stop at once with the caller's reason when the caller aborts mid-request", async () => {
    const server = await serve(() => {});
    const client = createRestClient({ baseUrl: server.origin });
    const controller = new AbortController();

    const sending = client.send(
      { method: 'GET', url: '/items', headers: {} },
      { resource: 'items', signal: controller.signal },
    );
    await server.received(1);
    controller.abort(new Error('stopped by the user'));

    await expect(sending).rejects.toThrow('stopped by the user');
  });

  it('should send the path and query without the fragment', async () => {
    const server = await serve((_request, response) => {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end('[]');
    });
    const client = createRestClient({ baseUrl: server.origin });

    await client.send(
      { method: 'GET', url: `${server.origin}/items?a=1&b=%20#section`, headers: {} },
      { resource: 'items' },
    );

    expect(server.requests[0]?.url).toBe('/items?a=1&b=%20');
  });
});

describe('originAndPath', () => {
  it.each([
    [
      'http://127.0.0.1:8080/v1/items?offset=100&limit=100',
      'http://127.0.0.1:8080',
      '/v1/items?offset=100&limit=100',
    ],
    ['https://api.example.com', 'https://api.example.com', '/'],
    ['https://api.example.com?x=1', 'https://api.example.com', '/?x=1'],
    ['https://api.example.com/a#b?c', 'https://api.example.com', '/a'],
    ['http://[::1]:3000/items', 'http://[::1]:3000', '/items'],
    ['https://user:pass@api.example.com/items?x=1', 'https://api.example.com', '/items?x=1'],
  ])('should split %s as URL does', (url, origin, path) => {
    expect(originAndPath(url)).toEqual({ origin, path });
    const parsed = new URL(url);
    expect(path).toBe(`${parsed.pathname}${parsed.search}`);
  });
});
