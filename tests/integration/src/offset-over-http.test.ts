import { apiKey } from '@restsync/auth-api-key';
import {
  type Auth,
  createEventBus,
  createRestClient,
  type Paginator,
  paginate,
  type RestsyncEvent,
} from '@restsync/core';
import { offset } from '@restsync/paginator-offset';
import { HttpResponse, http } from 'msw';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';

const baseUrl = 'https://offset.api.test';
const server = setupServer();

beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

type ApiRecord = { id: number; name: string };

const dataset = (count: number): ApiRecord[] =>
  Array.from({ length: count }, (_, index) => ({ id: index + 1, name: `record ${index + 1}` }));

const ids = (count: number) => Array.from({ length: count }, (_, index) => index + 1);

interface ReceivedRequest {
  method: string;
  url: URL;
  body: unknown;
}

/** A GET /items endpoint with offset/limit query parameters; `shape` builds each response body. */
function serveItems(
  records: ApiRecord[],
  shape: (items: ApiRecord[], start: number) => Record<string, unknown>,
): ReceivedRequest[] {
  const received: ReceivedRequest[] = [];
  server.use(
    http.get(`${baseUrl}/items`, ({ request }) => {
      const url = new URL(request.url);
      received.push({ method: request.method, url, body: undefined });
      const start = Number(url.searchParams.get('offset'));
      const limit = Number(url.searchParams.get('limit'));
      return HttpResponse.json(shape(records.slice(start, start + limit), start));
    }),
  );
  return received;
}

interface Sync {
  records: Record<string, unknown>[];
  reason: string | undefined;
  checkpoints: unknown[];
}

async function sync(
  paginator: Paginator,
  options: { method?: string; path?: string; json?: unknown; auth?: Auth } = {},
): Promise<Sync> {
  const events: RestsyncEvent[] = [];
  const client = createRestClient({
    baseUrl,
    auth: options.auth,
    retry: { maxRetries: 0 },
    events: createEventBus({ listeners: [(event) => events.push(event)] }),
  });
  const records: Record<string, unknown>[] = [];
  const checkpoints: unknown[] = [];
  for await (const page of paginate({
    client,
    resource: 'items',
    request: {
      method: options.method ?? 'GET',
      url: `${baseUrl}${options.path ?? '/items'}`,
      headers: { accept: 'application/json' },
      ...(options.json === undefined ? {} : { json: options.json }),
    },
    paginator,
    selectRecords: (body) => (body as { items: Record<string, unknown>[] }).items,
    maxPages: 50,
  })) {
    records.push(...page.records);
    checkpoints.push(page.checkpoint);
  }
  const done = events.find((event) => event.type === 'pagination_done');
  return { records, reason: done?.type === 'pagination_done' ? done.reason : undefined, checkpoints };
}

const offsetsOf = (received: ReceivedRequest[]) =>
  received.map((request) => Number(request.url.searchParams.get('offset')));

describe('offset pagination over HTTP', () => {
  it('should make exactly ceil(total / limit) requests and yield every record once, in order', async () => {
    const received = serveItems(dataset(250), (items) => ({ items, total: 250 }));
    const result = await sync(offset({ limit: 100 }));
    expect(offsetsOf(received)).toEqual([0, 100, 200]);
    expect(received.every((request) => request.url.searchParams.get('limit') === '100')).toBe(true);
    expect(result.records.map((record) => record.id)).toEqual(ids(250));
    expect(result.reason).toBe('total reached (250)');
    // With a known total the offset moves by the records received: the last page held 50.
    expect(result.checkpoints).toEqual([{ offset: 100 }, { offset: 200 }, { offset: 250 }]);
  });

  it('should stop on the short page without an extra request when the API sends no total', async () => {
    const received = serveItems(dataset(250), (items) => ({ items }));
    const result = await sync(offset({ limit: 100 }));
    expect(offsetsOf(received)).toEqual([0, 100, 200]);
    expect(result.records.map((record) => record.id)).toEqual(ids(250));
    expect(result.reason).toBe('short page');
  });

  it('should use a total sent on the first page only', async () => {
    const received = serveItems(dataset(300), (items, start) =>
      start === 0 ? { items, total: 300 } : { items },
    );
    const result = await sync(offset({ limit: 100 }));
    expect(offsetsOf(received)).toEqual([0, 100, 200]);
    expect(result.records.map((record) => record.id)).toEqual(ids(300));
    expect(result.reason).toBe('total reached (300)');
  });

  it('should make one extra request for the empty page when the total is null and pages are full', async () => {
    const received = serveItems(dataset(200), (items) => ({ items, total: null }));
    const result = await sync(offset({ limit: 100 }));
    expect(offsetsOf(received)).toEqual([0, 100, 200]);
    expect(result.records.map((record) => record.id)).toEqual(ids(200));
    expect(result.reason).toBe('empty page');
  });

  it('should never request an offset at or above maximumOffset', async () => {
    const received = serveItems(dataset(1000), (items) => ({ items, total: 1000 }));
    const result = await sync(offset({ limit: 100, maximumOffset: 250 }));
    expect(offsetsOf(received)).toEqual([0, 100, 200]);
    expect(result.records.map((record) => record.id)).toEqual(ids(300));
    expect(result.reason).toBe('maximumOffset reached');
  });

  it('should resume from a checkpoint and fetch only the remaining pages', async () => {
    const received = serveItems(dataset(250), (items) => ({ items, total: 250 }));
    const first = await sync(offset({ limit: 100 }));
    const afterFirstPage = first.checkpoints[0] as Record<string, unknown>;
    received.length = 0;
    const client = createRestClient({ baseUrl, retry: { maxRetries: 0 } });
    const records: Record<string, unknown>[] = [];
    for await (const page of paginate({
      client,
      resource: 'items',
      request: { method: 'GET', url: `${baseUrl}/items`, headers: {} },
      paginator: offset({ limit: 100 }),
      selectRecords: (body) => (body as { items: Record<string, unknown>[] }).items,
      checkpoint: afterFirstPage,
    })) {
      records.push(...page.records);
    }
    expect(offsetsOf(received)).toEqual([100, 200]);
    expect(records.map((record) => record.id)).toEqual(ids(250).slice(100));
  });

  it('should place offset and limit in the JSON body of a POST', async () => {
    const records = dataset(120);
    const received: ReceivedRequest[] = [];
    server.use(
      http.post(`${baseUrl}/search`, async ({ request }) => {
        const body = (await request.json()) as { filter: unknown; page: { from: number; size: number } };
        received.push({ method: request.method, url: new URL(request.url), body });
        const { from, size } = body.page;
        return HttpResponse.json({
          items: records.slice(from, from + size),
          meta: { total: records.length },
        });
      }),
    );
    const result = await sync(
      offset({ limit: 50, offsetBodyPath: 'page.from', limitBodyPath: 'page.size', totalPath: 'meta.total' }),
      { method: 'POST', path: '/search', json: { filter: { status: 'open' } } },
    );
    expect(received.map((request) => request.body)).toEqual([
      { filter: { status: 'open' }, page: { from: 0, size: 50 } },
      { filter: { status: 'open' }, page: { from: 50, size: 50 } },
      { filter: { status: 'open' }, page: { from: 100, size: 50 } },
    ]);
    expect(received.every((request) => request.url.search === '')).toBe(true);
    expect(result.records.map((record) => record.id)).toEqual(ids(120));
  });

  it('should send the api_key query parameter on every request', async () => {
    const received = serveItems(dataset(250), (items) => ({ items, total: 250 }));
    const result = await sync(offset({ limit: 100 }), {
      auth: apiKey({ name: 'api_key', apiKey: 'key-0123456789', location: 'query' }),
    });
    expect(received).toHaveLength(3);
    for (const request of received) {
      expect(request.url.searchParams.getAll('api_key')).toEqual(['key-0123456789']);
    }
    expect(result.records).toHaveLength(250);
  });
});
