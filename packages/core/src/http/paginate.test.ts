import { describe, expect, it } from 'vitest';
import { rangePaginator } from '../adapter-utils/range-paginator';
import type { Auth } from '../contracts/auth';
import { nextRequest, type Paginator, paginationDone } from '../contracts/paginator';
import { type RequestSpec, withQuery } from '../contracts/request';
import type { SourcePage } from '../contracts/source';
import { ConfigError, PaginationError } from '../errors';
import type { RestsyncEvent } from '../events';
import { nextLinkPaginator } from './__fixtures__/next-link-paginator';
import { type Responder, sendJson, serveForEachTest, type TestServer } from './__fixtures__/test-server';
import { type PaginateOptions, paginate } from './paginate';
import { createRestClient } from './rest-client';

const apiKey = 'pk live/secret+key=7';
const secretForms = [
  apiKey,
  encodeURIComponent(apiKey),
  new URLSearchParams({ v: apiKey }).toString().slice(2),
];

const queryKeyAuth: Auth = {
  kind: 'auth',
  specificationVersion: 'v1',
  type: 'api_key',
  apply: (request) => withQuery(request, { api_key: apiKey }),
  secrets: () => [apiKey],
};

/** Offset paging with `limit` 2; the position lives in the instance; stops on a short page. */
function offsetPaginator(): Paginator & { created: number } {
  const paginator = {
    kind: 'paginator' as const,
    specificationVersion: 'v1' as const,
    type: 'test_offset',
    created: 0,
    create() {
      paginator.created += 1;
      let offset = 0;
      return {
        resume: (checkpoint: Record<string, unknown>) => {
          offset = Number(checkpoint.offset);
        },
        first: (request: RequestSpec) => withQuery(request, { offset, limit: 2 }),
        next: (page: { request: RequestSpec; records: unknown[] }) => {
          offset += page.records.length;
          if (page.records.length < 2) return paginationDone('short page');
          return nextRequest(withQuery(page.request, { offset, limit: 2 }));
        },
        checkpoint: () => ({ offset }),
      };
    },
  };
  return paginator;
}

/** Serves records 0..4 by `offset` and `limit`. */
const fiveRecords: Responder = (request, response) => {
  const url = new URL(request.url ?? '/', 'http://localhost');
  const offset = Number(url.searchParams.get('offset'));
  const limit = Number(url.searchParams.get('limit'));
  const ids = [0, 1, 2, 3, 4].slice(offset, offset + limit);
  sendJson(
    response,
    200,
    ids.map((id) => ({ id })),
  );
};

const serve = serveForEachTest();

function setup(server: TestServer) {
  const client = createRestClient({
    baseUrl: server.url('/v1'),
    auth: queryKeyAuth,
    retry: { initialDelayMs: 1 },
  });
  const events: RestsyncEvent[] = [];
  client.events.on((event) => events.push(event));
  const run = (options: Partial<PaginateOptions> = {}) =>
    paginate({
      client,
      resource: 'items',
      request: { method: 'GET', url: server.url('/v1/items'), headers: {} },
      paginator: nextLinkPaginator(),
      ...options,
    });
  return { client, events, run };
}

async function collect(pages: AsyncIterable<SourcePage>): Promise<SourcePage[]> {
  const result: SourcePage[] = [];
  for await (const page of pages) result.push(page);
  return result;
}

async function failure(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected paginate to fail');
}

function ofType<T extends RestsyncEvent['type']>(events: RestsyncEvent[], type: T) {
  return events.filter((event): event is Extract<RestsyncEvent, { type: T }> => event.type === type);
}

describe('paginate', () => {
  it('should yield every page with its records, checkpoint and parent, then report why it stopped', async () => {
    const server = await serve(fiveRecords);
    const { events, run } = setup(server);

    const pages = await collect(run({ paginator: offsetPaginator(), parent: { id: 'p1' } }));

    expect(pages.map((page) => page.records.map((record) => record.id))).toEqual([[0, 1], [2, 3], [4]]);
    expect(pages.map((page) => page.index)).toEqual([0, 1, 2]);
    expect(pages.map((page) => page.checkpoint)).toEqual([{ offset: 2 }, { offset: 4 }, { offset: 5 }]);
    expect(pages.every((page) => page.parent?.id === 'p1' && page.resource === 'items')).toBe(true);
    expect(pages[1]?.request.url).toBe(server.url('/v1/items?offset=2&limit=2'));
    expect(pages[1]?.response.status).toBe(200);
    expect(ofType(events, 'page').map((event) => event.records)).toEqual([2, 2, 1]);
    expect(ofType(events, 'pagination_done')).toEqual([
      { type: 'pagination_done', resource: 'items', pages: 3, reason: 'short page' },
    ]);
  });

  // The contract asks for copies; a request object changed in place must still not pass for the one before.
  it('should follow a paginator that changes the same request object in place', async () => {
    const server = await serve(fiveRecords);
    const { run } = setup(server);
    const inPlace: Paginator = {
      kind: 'paginator',
      specificationVersion: 'v1',
      type: 'in_place',
      create() {
        let offset = 0;
        let current: RequestSpec | undefined;
        const at = (request: RequestSpec) => {
          const url = new URL(request.url);
          url.searchParams.set('offset', String(offset));
          url.searchParams.set('limit', '2');
          request.url = url.toString();
          return request;
        };
        return {
          first: (request: RequestSpec) => {
            current = { ...request };
            return at(current);
          },
          next: (page: { records: unknown[] }) => {
            offset += page.records.length;
            if (page.records.length < 2) return paginationDone('short page');
            return nextRequest(at(current as RequestSpec));
          },
        };
      },
    };

    const pages = await collect(run({ paginator: inPlace }));

    expect(pages.map((page) => page.records.map((record) => record.id))).toEqual([[0, 1], [2, 3], [4]]);
    expect(
      server.requests.map((request) => new URL(request.url ?? '/', 'http://x').searchParams.get('offset')),
    ).toEqual(['0', '2', '4']);
  });

  it('should resume from a checkpoint before the first request', async () => {
    const server = await serve(fiveRecords);
    const { run } = setup(server);

    const pages = await collect(run({ paginator: offsetPaginator(), checkpoint: { offset: 4 } }));

    expect(pages.map((page) => page.records)).toEqual([[{ id: 4 }]]);
    expect(server.requests[0]?.url).toContain('offset=4');
  });

  it('should create a fresh paginator instance for every call', async () => {
    const server = await serve(fiveRecords);
    const { run } = setup(server);
    const paginator = offsetPaginator();

    const first = await collect(run({ paginator }));
    const second = await collect(run({ paginator }));

    expect(paginator.created).toBe(2);
    expect(first.map((page) => page.records.length)).toEqual([2, 2, 1]);
    expect(second.map((page) => page.records.length)).toEqual([2, 2, 1]);
    expect(second[0]?.request.url).toContain('offset=0');
  });

  it('should use selectRecords with the page context', async () => {
    const server = await serve((_request, response) => sendJson(response, 200, { data: [{ id: 1 }] }));
    const { run } = setup(server);
    const contexts: unknown[] = [];

    const pages = await collect(
      run({
        selectRecords: (body, context) => {
          contexts.push(context.index);
          return (body as { data: Record<string, unknown>[] }).data;
        },
      }),
    );

    expect(pages[0]?.records).toEqual([{ id: 1 }]);
    expect(contexts).toEqual([0]);
  });

  it('should send a next-page URL on another origin without credentials', async () => {
    const elsewhere = await serve((_request, response) =>
      sendJson(response, 200, { items: [2], next: null }),
    );
    const api = await serve((_request, response) =>
      sendJson(response, 200, { items: [1], next: elsewhere.url('/cdn/items?page=2') }),
    );
    const { run } = setup(api);

    const pages = await collect(run());

    expect(pages).toHaveLength(2);
    expect(new URL(api.url(api.requests[0]?.url ?? '')).searchParams.get('api_key')).toBe(apiKey);
    expect(elsewhere.requests).toHaveLength(1);
    expect(elsewhere.requests[0]?.url).toBe('/cdn/items?page=2');
    const sentElsewhere = JSON.stringify(elsewhere.requests[0]);
    for (const form of secretForms) expect(sentElsewhere).not.toContain(form);
  });

  it('should fail with a PaginationError naming the resource and redacted URL when a next page repeats', async () => {
    // The API echoes the URL it was called with (key included) as the next link, forever.
    const server = await serve((request, response) =>
      sendJson(response, 200, { items: [1], next: server.url(request.url ?? '') }),
    );
    const { run } = setup(server);

    const error = await failure(collect(run({ maxPages: 10 })));

    expect(error).toBeInstanceOf(PaginationError);
    expect(error.message).toContain('resource "items"');
    expect(error.message).toContain('api_key=***');
    for (const form of secretForms) expect(error.message).not.toContain(form);
    expect(server.requests).toHaveLength(2);
  });

  it('should stop after maxPages pages', async () => {
    const server = await serve((request, response) => {
      const page = Number(new URL(request.url ?? '/', server.origin).searchParams.get('page') ?? 1);
      sendJson(response, 200, { items: [page], next: server.url(`/v1/items?page=${page + 1}`) });
    });
    const { events, run } = setup(server);

    const pages = await collect(run({ maxPages: 3 }));

    expect(pages).toHaveLength(3);
    expect(server.requests).toHaveLength(3);
    expect(ofType(events, 'pagination_done')[0]).toMatchObject({ pages: 3, reason: 'maxPages reached' });
  });

  it('should reject a maxPages below 1 with a ConfigError', async () => {
    const server = await serve(fiveRecords);
    const { run } = setup(server);

    const error = await failure(collect(run({ maxPages: 0 })));

    expect(ConfigError.isInstance(error)).toBe(true);
    expect(server.requests).toHaveLength(0);
  });

  it('should end the sequence with an event when a response action ignores a 404', async () => {
    const server = await serve((request, response) => {
      if (request.url?.startsWith('/v1/items?page=2')) sendJson(response, 404, { error: 'gone' });
      else sendJson(response, 200, { items: [1], next: server.url('/v1/items?page=2') });
    });
    const { events, run } = setup(server);

    const pages = await collect(run({ responseActions: [{ status: 404, action: 'ignore' }] }));

    expect(pages).toHaveLength(1);
    expect(ofType(events, 'response_ignored')).toEqual([
      {
        type: 'response_ignored',
        resource: 'items',
        url: server.url('/v1/items?page=2'),
        status: 404,
        reason: 'status 404 matched a response action',
      },
    ]);
    expect(ofType(events, 'pagination_done')[0]).toMatchObject({ pages: 1, reason: 'response ignored' });
  });
});

/** Pages of `?page=N`, `total` pages known from the first response; knows the requests ahead. */
function knownAheadPaginator(options: { lie?: boolean } = {}): Paginator {
  return {
    kind: 'paginator',
    specificationVersion: 'v1',
    type: 'test_known_ahead',
    create() {
      let page = 0;
      let total: number | undefined;
      let base: RequestSpec | undefined;
      const at = (number: number) => withQuery(base as RequestSpec, { page: number });
      return {
        first: (request) => {
          base = request;
          return at(0);
        },
        next: (current) => {
          total = (current.response.body as { total: number }).total;
          page += 1;
          if (page >= total) return paginationDone('last page');
          return nextRequest(at(page));
        },
        // `lie` announces pages 100, 101, … that `next` never asks for: they must be discarded.
        upcoming: (count) =>
          total === undefined
            ? []
            : Array.from({ length: Math.min(count, total - page) }, (_, index) =>
                at(options.lie ? 100 + index : page + index),
              ),
      };
    },
  };
}

describe('paginate with a paginator that knows the pages ahead', () => {
  /**
   * Answers page 0 at once, then holds the answers until `holdUntilInFlight` requests are in flight or every
   * page was asked for: the count of requests in flight depends on the fetching, not on how busy the machine is.
   */
  async function pagedServer(total: number, holdUntilInFlight = 1) {
    let inFlight = 0;
    let maxInFlight = 0;
    let requested = 0;
    const held: (() => void)[] = [];
    const server = await serve((request, response) => {
      inFlight += 1;
      requested += 1;
      maxInFlight = Math.max(maxInFlight, inFlight);
      const page = Number(new URL(request.url ?? '/', 'http://x').searchParams.get('page'));
      held.push(() => {
        inFlight -= 1;
        sendJson(response, 200, { total, items: [{ page }] });
      });
      if (page === 0 || inFlight >= holdUntilInFlight || requested >= total) {
        for (const answer of held.splice(0)) answer();
      }
    });
    return { server, maxInFlight: () => maxInFlight };
  }

  it('should fetch up to `concurrency` pages at once and still yield them in order', async () => {
    const { server, maxInFlight } = await pagedServer(9, 3);
    const pages = await collect(
      setup(server).run({
        paginator: knownAheadPaginator(),
        concurrency: 3,
        selectRecords: (body) => (body as { items: Record<string, unknown>[] }).items,
      }),
    );
    expect(pages.map((page) => page.records[0]?.page)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8]);
    expect(maxInFlight()).toBe(3);
    expect(server.requests).toHaveLength(9);
  });

  it('should fetch one page at a time with concurrency 1', async () => {
    const { server, maxInFlight } = await pagedServer(5);
    const pages = await collect(
      setup(server).run({
        paginator: knownAheadPaginator(),
        concurrency: 1,
        selectRecords: (body) => (body as { items: Record<string, unknown>[] }).items,
      }),
    );
    expect(pages).toHaveLength(5);
    expect(maxInFlight()).toBe(1);
  });

  it('should use only the responses the paginator then asks for', async () => {
    const { server } = await pagedServer(4);
    const pages = await collect(
      setup(server).run({
        paginator: knownAheadPaginator({ lie: true }),
        concurrency: 2,
        selectRecords: (body) => (body as { items: Record<string, unknown>[] }).items,
      }),
    );
    expect(pages.map((page) => page.records[0]?.page)).toEqual([0, 1, 2, 3]);
  });
});

describe('paginate: page consistency', () => {
  interface OffsetApiOptions {
    /** Records 1..count. */
    count: number;
    /** The total the API reports. @default count */
    total?: number;
    /** The API silently caps the page size at this, from `capFrom` on. */
    cap?: number;
    /** @default 0 */
    capFrom?: number;
    /** Offsets answered with `data: null`, and how many times (Infinity: always). */
    nullAt?: Record<number, number>;
  }

  /** An offset API over `?offset=&limit=` answering `{ data, total }`. */
  async function offsetApi(options: OffsetApiOptions) {
    const nulls = new Map(Object.entries(options.nullAt ?? {}).map(([at, times]) => [Number(at), times]));
    const server = await serve((request, response) => {
      const query = new URL(request.url ?? '/', 'http://x').searchParams;
      const start = Number(query.get('offset'));
      let limit = Number(query.get('limit'));
      if (options.cap !== undefined && start >= (options.capFrom ?? 0)) limit = Math.min(limit, options.cap);
      const total = options.total ?? options.count;
      const nullsLeft = nulls.get(start) ?? 0;
      if (nullsLeft > 0) {
        nulls.set(start, nullsLeft - 1);
        sendJson(response, 200, { data: null, total });
        return;
      }
      const ids = Array.from(
        { length: Math.max(0, Math.min(limit, options.count - start)) },
        (_, i) => start + i + 1,
      );
      sendJson(response, 200, { data: ids.map((id) => ({ id })), total });
    });
    const offsetsAsked = () =>
      server.requests.map((request) => Number(new URL(request.url, 'http://x').searchParams.get('offset')));
    return { server, offsetsAsked };
  }

  const offsetPaging = (limit: number, totalPath: string | null = 'total') =>
    rangePaginator({
      type: 'offset',
      position: 'offset',
      target: { query: 'offset' },
      constants: [{ target: { query: 'limit' }, value: limit }],
      start: 0,
      step: limit,
      unit: 'records',
      pageSize: limit,
      totalPath,
    });

  const selectData = (body: unknown) => (body as { data: Record<string, unknown>[] | null }).data ?? [];

  const ids = (pages: SourcePage[]) => pages.flatMap((page) => page.records.map((record) => record.id));
  const oneTo = (count: number) => Array.from({ length: count }, (_, index) => index + 1);

  // Regression: `{"data": null}` at offset 30 of 200 ended the sequence with 30 of 200 records and no error.
  it('should request an empty page before the known total once more and go on with every record', async () => {
    const { server, offsetsAsked } = await offsetApi({ count: 200, nullAt: { 30: 1 } });
    const { events, run } = setup(server);

    const pages = await collect(
      run({ paginator: offsetPaging(10), selectRecords: selectData, concurrency: 4 }),
    );

    expect(ids(pages)).toEqual(oneTo(200));
    expect(offsetsAsked().filter((offset) => offset === 30)).toHaveLength(2);
    expect(ofType(events, 'retry')).toEqual([
      expect.objectContaining({
        resource: 'items',
        attempt: 1,
        reason: expect.stringContaining('offset 30'),
      }),
    ]);
    expect(ofType(events, 'pagination_done')[0]?.reason).toBe('total reached (200)');
  });

  // Regression: the pages fetched ahead (offsets 40–60) were thrown away when the page at 30 came back empty.
  it('should use the pages fetched ahead after the page requested again, without fetching them twice', async () => {
    const { server, offsetsAsked } = await offsetApi({ count: 100, nullAt: { 30: 1 } });
    const { run } = setup(server);

    await collect(run({ paginator: offsetPaging(10), selectRecords: selectData, concurrency: 4 }));

    const asked = offsetsAsked();
    expect(new Set(asked)).toEqual(new Set([0, 10, 20, 30, 40, 50, 60, 70, 80, 90]));
    expect(asked).toHaveLength(11);
  });

  // Regression: a page that stayed `{"data": null}` before the total ended the run as a success, short of records.
  it('should fail with a PaginationError naming the resource, the offset and the total when the page stays empty', async () => {
    const { server, offsetsAsked } = await offsetApi({
      count: 200,
      nullAt: { 30: Number.POSITIVE_INFINITY },
    });
    const { events, run } = setup(server);
    const yielded: SourcePage[] = [];

    const error = await failure(
      (async () => {
        for await (const page of run({ paginator: offsetPaging(10), selectRecords: selectData }))
          yielded.push(page);
      })(),
    );

    expect(PaginationError.isInstance(error)).toBe(true);
    expect(error.message).toContain('resource "items"');
    expect(error.message).toContain('offset 30');
    expect(error.message).toContain('the total is 200 records');
    expect(error.message).toContain('held no records, also when requested again');
    expect(error.message).toContain('set totalPath to null');
    expect(error.message).not.toContain(apiKey);
    expect(ids(yielded)).toEqual(oneTo(30));
    expect(offsetsAsked().filter((offset) => offset === 30)).toHaveLength(2);
    expect(ofType(events, 'pagination_done')).toEqual([]);
  });

  // Regression: with limit 10, an API capping pages at 6 lost 4 records per page, silently.
  it('should read every record of an API that caps the page size, and warn once', async () => {
    const { server, offsetsAsked } = await offsetApi({ count: 50, cap: 6 });
    const { events, run } = setup(server);

    const pages = await collect(
      run({ paginator: offsetPaging(10), selectRecords: selectData, concurrency: 3 }),
    );

    expect(ids(pages)).toEqual(oneTo(50));
    expect(offsetsAsked()).toEqual(expect.arrayContaining([0, 6, 12, 18, 24, 30, 36, 42, 48]));
    expect(ofType(events, 'warning')).toEqual([
      {
        type: 'warning',
        resource: 'items',
        code: 'page_size_capped',
        message: expect.stringContaining('the API caps the page size at 6 (limit asked: 10)'),
      },
    ]);
    expect(ofType(events, 'retry')).toEqual([]);
  });

  it('should re-plan the pages fetched ahead when the API starts capping in the middle', async () => {
    const { server, offsetsAsked } = await offsetApi({ count: 60, cap: 6, capFrom: 10 });
    const { run } = setup(server);

    const pages = await collect(
      run({ paginator: offsetPaging(10), selectRecords: selectData, concurrency: 3 }),
    );

    expect(ids(pages)).toEqual(oneTo(60));
    // Offsets 0 and 10 are full-size requests; from 16 on the plan moves by the capped size.
    const asked = offsetsAsked();
    for (const offset of [0, 10, 16, 22, 28, 34, 40, 46, 52, 58]) {
      expect(asked.filter((each) => each === offset)).toHaveLength(1);
    }
  });

  it('should end at a short page when no total is known, without asking again, as dlt does', async () => {
    const { server, offsetsAsked } = await offsetApi({ count: 50, cap: 6 });
    const { events, run } = setup(server);

    const pages = await collect(run({ paginator: offsetPaging(10, null), selectRecords: selectData }));

    expect(ids(pages)).toEqual(oneTo(6));
    expect(offsetsAsked()).toEqual([0]);
    expect(ofType(events, 'pagination_done')[0]?.reason).toBe('short page');
    expect(ofType(events, 'warning')).toEqual([]);
  });

  describe('with page numbers (the total in pages)', () => {
    /** `?page=N&size=10` over `count` records, `{ data, pages }`; `shortAt` pages hold only 4 records. */
    async function pageApi(count: number, shortAt: Record<number, number>, size = 10) {
      const shorts = new Map(Object.entries(shortAt).map(([at, times]) => [Number(at), times]));
      const server = await serve((request, response) => {
        const page = Number(new URL(request.url ?? '/', 'http://x').searchParams.get('page'));
        const start = (page - 1) * size;
        let ids = Array.from({ length: Math.max(0, Math.min(size, count - start)) }, (_, i) => start + i + 1);
        const left = shorts.get(page) ?? 0;
        if (left > 0) {
          shorts.set(page, left - 1);
          ids = ids.slice(0, 4);
        }
        sendJson(response, 200, { data: ids.map((id) => ({ id })), pages: Math.ceil(count / size) });
      });
      return server;
    }

    const pageNumbers = (pageSize?: number) =>
      rangePaginator({
        type: 'page_number',
        position: 'page',
        target: { query: 'page' },
        constants: [{ target: { query: 'size' }, value: pageSize ?? 10 }],
        start: 1,
        totalPath: 'pages',
        totalBase: 1,
        ...(pageSize === undefined ? {} : { pageSize }),
      });

    it('should fail when a page before the last stays shorter than the pages before it', async () => {
      const server = await pageApi(50, { 3: Number.POSITIVE_INFINITY });
      const { run } = setup(server);

      const error = await failure(collect(run({ paginator: pageNumbers(), selectRecords: selectData })));

      expect(PaginationError.isInstance(error)).toBe(true);
      expect(error.message).toContain('page 3');
      expect(error.message).toContain('held 4 records, also when requested again, but the total is 5 pages');
      expect(error.message).toContain('at least 10 records');
    });

    it('should go on with the page requested again when it comes back whole', async () => {
      const server = await pageApi(50, { 3: 1 });
      const { run } = setup(server);

      const pages = await collect(run({ paginator: pageNumbers(), selectRecords: selectData }));

      expect(ids(pages)).toEqual(oneTo(50));
    });

    it('should accept a short last page and warn once about pages shorter than the limit', async () => {
      const server = await pageApi(45, {}, 10);
      const { events, run } = setup(server);

      const pages = await collect(run({ paginator: pageNumbers(25), selectRecords: selectData }));

      expect(ids(pages)).toEqual(oneTo(45));
      expect(ofType(events, 'warning').map((event) => event.message)).toEqual([
        expect.stringContaining(
          'the API caps the page size at 10 (limit asked: 25), seen at page 1 of 5 pages',
        ),
      ]);
    });
  });
});
