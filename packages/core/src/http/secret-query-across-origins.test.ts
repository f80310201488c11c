import { describe, expect, it } from 'vitest';
import { createEventBus, type RestsyncEvent } from '../events';
import { createRedactor } from '../redact';
import { queryKey } from '../source/__fixtures__/test-adapters';
import { restApiSource } from '../source/rest-api-source';
import { nextLinkPaginator } from './__fixtures__/next-link-paginator';
import { sendJson, serveForEachTest } from './__fixtures__/test-server';
import { urlWithoutSecrets } from './credentials';
import { createRestClient } from './rest-client';

const key = 'sk_live_echoed_next_link_77';
const serve = serveForEachTest();

const warningsOf = (events: RestsyncEvent[]) =>
  events.flatMap((event) => (event.type === 'log' && event.level === 'warn' ? [event.message] : []));

describe('urlWithoutSecrets', () => {
  it('should leave out every query param holding a secret, keeping the others in order and as encoded', () => {
    const redactor = createRedactor([key]);
    const encoded = encodeURIComponent(`${key}/x`);

    expect(
      urlWithoutSecrets(
        `https://cdn.example.com/a?page=2&api_key=${key}&q=a%20b,c&token=${encoded}&z=1`,
        redactor,
      ),
    ).toEqual({ url: 'https://cdn.example.com/a?page=2&q=a%20b,c&z=1', dropped: ['api_key', 'token'] });
    expect(urlWithoutSecrets(`https://cdn.example.com/a?api_key=${key}`, redactor)).toEqual({
      url: 'https://cdn.example.com/a',
      dropped: ['api_key'],
    });
  });

  it('should return a URL without secrets exactly as it was', () => {
    const url = 'https://cdn.example.com/a?q=a%20b,c&x=1&x=2';
    expect(urlWithoutSecrets(url, createRedactor([key]))).toEqual({ url, dropped: [] });
  });
});

describe('secret query params on another origin', () => {
  // An absolute URL on another origin got the api_key query param the request carried.
  it('should not send a query param holding a secret to an absolute URL on another origin, and warn once', async () => {
    const elsewhere = await serve((_request, response) => sendJson(response, 200, { ok: true }));
    const api = await serve((_request, response) => sendJson(response, 200, { ok: true }));
    const events: RestsyncEvent[] = [];
    const client = createRestClient({ baseUrl: api.url('/v1'), redactor: createRedactor([key]) });
    client.events.on((event) => events.push(event));

    for (const page of [2, 3]) {
      await client.send(
        { method: 'GET', url: elsewhere.url(`/items?page=${page}&api_key=${key}`), headers: {} },
        { resource: 'items' },
      );
    }

    expect(elsewhere.requests.map((request) => request.url)).toEqual(['/items?page=2', '/items?page=3']);
    expect(warningsOf(events)).toEqual([
      `resource "items": not sending the query param "api_key" to ${elsewhere.origin}: query params holding a secret go only to ${api.origin}`,
    ]);
  });

  // A redirect whose Location echoed the API key took it to the other origin.
  it('should not follow a redirect to another origin with a query param holding a secret', async () => {
    const elsewhere = await serve((_request, response) => sendJson(response, 200, { ok: true }));
    const api = await serve((_request, response) => {
      response.writeHead(302, { location: elsewhere.url(`/moved?api_key=${key}&page=1`) });
      response.end();
    });
    const client = createRestClient({ baseUrl: api.url('/v1'), auth: queryKey(key) });

    const result = await client.send(
      { method: 'GET', url: api.url('/v1/items'), headers: {} },
      { resource: 'items' },
    );

    expect(result.body).toEqual({ ok: true });
    expect(api.requests.map((request) => request.url)).toEqual([`/v1/items?key=${key}`]);
    expect(elsewhere.requests.map((request) => request.url)).toEqual(['/moved?page=1']);
  });

  // A next link echoing the API key (common in paged APIs) carried it to the other origin.
  it("should strip the auth's secret from a next link that points to another origin, through a source", async () => {
    const elsewhere = await serve((_request, response) => sendJson(response, 200, { data: [{ id: 3 }] }));
    const api = await serve((_request, response) =>
      sendJson(response, 200, {
        data: [{ id: 1 }, { id: 2 }],
        next: elsewhere.url(`/v1/items?cursor=abc&key=${key}`),
      }),
    );
    const events: RestsyncEvent[] = [];
    const source = restApiSource({
      client: { baseUrl: api.url('/v1'), auth: queryKey(key), paginator: nextLinkPaginator() },
      resources: [{ name: 'items', endpoint: { path: 'items', dataSelector: 'data' } }],
    });

    const records = [];
    for await (const page of source.pages({
      events: createEventBus({ listeners: [(event) => events.push(event)] }),
    })) {
      records.push(...page.records);
    }

    expect(records).toEqual([{ id: 1 }, { id: 2 }, { id: 3 }]);
    expect(api.requests.map((request) => request.url)).toEqual([`/v1/items?key=${key}`]);
    expect(elsewhere.requests.map((request) => request.url)).toEqual(['/v1/items?cursor=abc']);
    expect(JSON.stringify(events)).not.toContain(key);
    expect(warningsOf(events)).toEqual([
      expect.stringContaining(`not sending the query param "key" to ${elsewhere.origin}`),
    ]);
  });
});
