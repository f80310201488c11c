import {
  ConfigError,
  type Page,
  PaginationError,
  type Paginator,
  type PaginatorStep,
  type RequestSpec,
} from '@restsync/core';
import { testPaginatorConformance } from '@restsync/testing/conformance';
import { describe, expect, it } from 'vitest';
import { offset } from './offset-paginator';

type TestRecord = Record<string, unknown>;

const getRequest: RequestSpec = {
  method: 'GET',
  url: 'https://api.example.test/items',
  headers: { accept: 'application/json' },
};

function sliceFromQuery(request: RequestSpec, records: TestRecord[]) {
  const url = new URL(request.url);
  const start = Number(url.searchParams.get('offset'));
  const limit = Number(url.searchParams.get('limit'));
  return records.slice(start, start + limit);
}

const selectItems = (body: unknown) => (body as { items: TestRecord[] }).items;

testPaginatorConformance({
  name: 'offset with a total',
  create: () => offset({ limit: 10 }),
  respond: (request, records) => ({
    body: { items: sliceFromQuery(request, records), total: records.length },
  }),
  selectRecords: selectItems,
  pageSize: 10,
  supportsCheckpoint: true,
});

testPaginatorConformance({
  name: 'offset without a total',
  create: () => offset({ limit: 10, totalPath: null }),
  respond: (request, records) => ({ body: { items: sliceFromQuery(request, records) } }),
  selectRecords: selectItems,
  pageSize: 10,
  supportsCheckpoint: true,
});

testPaginatorConformance({
  name: 'offset in a POST body',
  create: () => offset({ limit: 10, offsetBodyPath: 'page.offset', limitBodyPath: 'page.size' }),
  request: {
    method: 'POST',
    url: 'https://api.example.test/search?filter=active',
    headers: { accept: 'application/json' },
    json: { query: { status: 'active' } },
  },
  respond: (request, records) => {
    const page = (request.json as { page: { offset: number; size: number } }).page;
    return {
      body: { items: records.slice(page.offset, page.offset + page.size), meta: { total: records.length } },
    };
  },
  selectRecords: selectItems,
  pageSize: 10,
  supportsCheckpoint: true,
});

/** A fake offset API over `count` records; `body` shapes each response from its slice. */
function fakeApi(
  count: number,
  body: (items: TestRecord[], start: number, limit: number) => Record<string, unknown>,
) {
  const records = Array.from({ length: count }, (_, index) => ({ id: index + 1 }));
  return (request: RequestSpec) => {
    const url = new URL(request.url);
    const start = Number(url.searchParams.get('offset'));
    const limit = Number(url.searchParams.get('limit'));
    return body(records.slice(start, start + limit), start, limit);
  };
}

interface Run {
  requests: RequestSpec[];
  records: TestRecord[];
  reason: string;
}

/** Runs a whole sequence of one fresh instance against `api`, at most 50 pages. */
function run(paginator: Paginator, api: (request: RequestSpec) => unknown, request = getRequest): Run {
  const instance = paginator.create();
  const requests: RequestSpec[] = [];
  const records: TestRecord[] = [];
  let current = instance.first(request);
  for (let index = 0; index < 50; index++) {
    requests.push(current);
    const page = pageOf(current, api(current), index);
    records.push(...page.records);
    const step = instance.next(page);
    if (step.done) return { requests, records, reason: step.reason };
    current = step.request;
  }
  throw new Error('the paginator did not stop after 50 pages');
}

function pageOf(request: RequestSpec, body: unknown, index = 0): Page {
  return {
    resource: 'items',
    index,
    request,
    response: { status: 200, headers: new Headers(), body },
    records: selectItems(body),
  };
}

const offsets = (requests: RequestSpec[]) =>
  requests.map((request) => Number(new URL(request.url).searchParams.get('offset')));

describe('offset', () => {
  it('should put offset and limit in the query and keep existing parameters', () => {
    const first = offset({ limit: 100 })
      .create()
      .first({ ...getRequest, url: 'https://api.example.test/items?status=open' });
    const url = new URL(first.url);
    expect(Object.fromEntries(url.searchParams)).toEqual({ status: 'open', offset: '0', limit: '100' });
  });

  it('should use custom parameter names and the start offset', () => {
    const first = offset({ limit: 25, offset: 50, offsetParam: 'skip', limitParam: 'take' })
      .create()
      .first(getRequest);
    expect(Object.fromEntries(new URL(first.url).searchParams)).toEqual({ skip: '50', take: '25' });
  });

  it('should stop when the total is reached, with exactly ceil(total / limit) requests', () => {
    const result = run(
      offset({ limit: 100 }),
      fakeApi(250, (items) => ({ items, total: 250 })),
    );
    expect(offsets(result.requests)).toEqual([0, 100, 200]);
    expect(result.records.map((record) => record.id)).toEqual(Array.from({ length: 250 }, (_, i) => i + 1));
    expect(result.reason).toBe('total reached (250)');
  });

  it('should read the total at a nested path, given as a number string', () => {
    const result = run(
      offset({ limit: 100, totalPath: 'meta.total' }),
      fakeApi(200, (items) => ({ items, meta: { total: '200' } })),
    );
    expect(offsets(result.requests)).toEqual([0, 100]);
    expect(result.reason).toBe('total reached (200)');
  });

  it('should remember a total sent on the first page only', () => {
    const result = run(
      offset({ limit: 100 }),
      fakeApi(300, (items, start) => (start === 0 ? { items, total: 300 } : { items })),
    );
    expect(offsets(result.requests)).toEqual([0, 100, 200]);
    expect(result.reason).toBe('total reached (300)');
  });

  it('should stop on a short page without an extra request when no total is known', () => {
    const result = run(
      offset({ limit: 100 }),
      fakeApi(250, (items) => ({ items })),
    );
    expect(offsets(result.requests)).toEqual([0, 100, 200]);
    expect(result.records).toHaveLength(250);
    expect(result.reason).toBe('short page');
  });

  it('should treat a null total as unknown and stop on the empty page after full pages', () => {
    const result = run(
      offset({ limit: 100 }),
      fakeApi(200, (items) => ({ items, total: null })),
    );
    expect(offsets(result.requests)).toEqual([0, 100, 200]);
    expect(result.records).toHaveLength(200);
    expect(result.reason).toBe('empty page');
  });

  it('should go past empty pages before the total when stopAfterEmptyPage is false', () => {
    // An API that filters after paginating: page 2 of 3 is empty.
    const result = run(
      offset({ limit: 10, stopAfterEmptyPage: false }),
      fakeApi(30, (items, start) => ({ items: start === 10 ? [] : items, total: 30 })),
    );
    expect(offsets(result.requests)).toEqual([0, 10, 20]);
    expect(result.records).toHaveLength(20);
    expect(result.reason).toBe('total reached (30)');
  });

  it('should stop on an empty page even though the total says more (the engine then checks the page)', () => {
    const result = run(
      offset({ limit: 10 }),
      fakeApi(15, (items) => ({ items, total: 1000 })),
    );
    expect(offsets(result.requests)).toEqual([0, 10, 15]);
    expect(result.reason).toBe('empty page');
  });

  // Regression: an API that capped pages at 6 with limit 10 lost 4 records per page, silently.
  it('should move by the records received when the API caps the page size and the total is known', () => {
    const result = run(
      offset({ limit: 10 }),
      fakeApi(20, (items) => ({ items: items.slice(0, 6), total: 20 })),
    );
    expect(offsets(result.requests)).toEqual([0, 6, 12, 18]);
    expect(result.records.map((record) => record.id)).toEqual(Array.from({ length: 20 }, (_, id) => id + 1));
    expect(result.reason).toBe('total reached (20)');
  });

  it('should still stop on a short page when no total is known, as dlt does', () => {
    const result = run(
      offset({ limit: 10, totalPath: null }),
      fakeApi(20, (items) => ({ items: items.slice(0, 6) })),
    );
    expect(offsets(result.requests)).toEqual([0]);
    expect(result.reason).toBe('short page');
  });

  it('should never request an offset at or above maximumOffset', () => {
    const result = run(
      offset({ limit: 100, maximumOffset: 300 }),
      fakeApi(1000, (items) => ({ items, total: 1000 })),
    );
    expect(offsets(result.requests)).toEqual([0, 100, 200]);
    expect(result.reason).toBe('maximumOffset reached');
  });

  it('should stop when hasMore is false', () => {
    const result = run(
      offset({ limit: 10, hasMorePath: 'meta.has_more' }),
      fakeApi(100, (items, start) => ({ items, meta: { has_more: start < 20 } })),
    );
    expect(offsets(result.requests)).toEqual([0, 10, 20]);
    expect(result.reason).toBe('hasMore is false');
  });

  it('should ignore a missing hasMore flag and apply the other stop rules', () => {
    const result = run(
      offset({ limit: 10, hasMorePath: 'has_more' }),
      fakeApi(25, (items) => ({ items, total: 25 })),
    );
    expect(offsets(result.requests)).toEqual([0, 10, 20]);
    expect(result.reason).toBe('total reached (25)');
  });

  it('should fail with a clear error when the total is not a number', () => {
    const instance = offset({ limit: 10, totalPath: 'meta' }).create();
    const request = instance.first(getRequest);
    const page = pageOf(request, { items: [{ id: 1 }], meta: { total: 5 } }, 2);
    expect(() => instance.next(page)).toThrow(PaginationError);
    expect(() => instance.next(page)).toThrow(
      /resource "items", page 2: the total at "meta" is an object, not a non-negative integer/,
    );
  });

  it('should fail with a clear error when hasMore is not a boolean', () => {
    const instance = offset({ limit: 10, hasMorePath: 'more' }).create();
    const page = pageOf(instance.first(getRequest), { items: [], more: 3 });
    expect(() => instance.next(page)).toThrow(/hasMorePath "more" is the number 3, not a boolean/);
  });

  it('should build every next request from the first request, not from the page', () => {
    const instance = offset({ limit: 10, totalPath: null }).create();
    const first = instance.first(getRequest);
    const sentWithAuth = { ...first, url: `${first.url}&api_key=abc`, headers: { cookie: 'k=v' } };
    const step = instance.next(pageOf(sentWithAuth, { items: Array.from({ length: 10 }, () => ({})) }));
    expect(step).toEqual({
      done: false,
      request: { ...getRequest, url: 'https://api.example.test/items?offset=10&limit=10' },
    });
  });
});

describe('offset body placement', () => {
  const postRequest: RequestSpec = {
    method: 'POST',
    url: 'https://api.example.test/search',
    headers: {},
    json: { filter: { status: 'open' }, page: { cursor: null } },
  };

  it('should set offset and limit in a deep copy of the body, not in the query', () => {
    const input = structuredClone(postRequest);
    const first = offset({ limit: 50, offsetBodyPath: 'page.offset', limitBodyPath: 'page.limit' })
      .create()
      .first(input);
    expect(first.json).toEqual({ filter: { status: 'open' }, page: { cursor: null, offset: 0, limit: 50 } });
    expect(first.url).toBe(postRequest.url);
    expect(input).toEqual(postRequest);
  });

  it('should create the body when the request has none', () => {
    const first = offset({ limit: 5, offsetBodyPath: 'from', limitBodyPath: 'size' })
      .create()
      .first({ ...postRequest, json: undefined });
    expect(first.json).toEqual({ from: 0, size: 5 });
  });

  it('should mix body and query placement', () => {
    const first = offset({ limit: 5, offsetBodyPath: 'from' }).create().first(postRequest);
    expect((first.json as Record<string, unknown>).from).toBe(0);
    expect(new URL(first.url).searchParams.get('limit')).toBe('5');
    expect(new URL(first.url).searchParams.has('offset')).toBe(false);
  });

  it('should advance the offset in the body', () => {
    const instance = offset({ limit: 2, offsetBodyPath: 'from', totalPath: null }).create();
    const first = instance.first(postRequest);
    const step = instance.next(pageOf(first, { items: [{ id: 1 }, { id: 2 }] }));
    expect(step.done).toBe(false);
    expect(((step as { request: RequestSpec }).request.json as Record<string, unknown>).from).toBe(2);
  });

  it('should fail clearly when the body is not an object', () => {
    const instance = offset({ limit: 5, offsetBodyPath: 'page.offset' }).create();
    expect(() => instance.first({ ...postRequest, json: [1, 2] })).toThrow(
      /cannot set offsetBodyPath "page.offset" in the request body/,
    );
    expect(() => instance.first({ ...postRequest, json: { page: 3 } })).toThrow(PaginationError);
  });
});

describe('checkpoint and resume', () => {
  it('should point at the next page after each page', () => {
    const instance = offset({ limit: 100, offset: 20 }).create();
    expect(instance.checkpoint?.()).toEqual({ offset: 20 });
    const first = instance.first(getRequest);
    instance.next(pageOf(first, { items: Array.from({ length: 100 }, () => ({})), total: 500 }));
    expect(instance.checkpoint?.()).toEqual({ offset: 120 });
  });

  it('should continue from a checkpoint', () => {
    const instance = offset({ limit: 100 }).create();
    instance.resume?.({ offset: 300 });
    const first = instance.first(getRequest);
    expect(new URL(first.url).searchParams.get('offset')).toBe('300');
    const step = instance.next(pageOf(first, { items: Array.from({ length: 100 }, () => ({})), total: 450 }));
    expect(new URL((step as { request: RequestSpec }).request.url).searchParams.get('offset')).toBe('400');
  });

  it.each([[{}], [{ offset: -1 }], [{ offset: '100' }], [{ offset: 1.5 }]])(
    'should reject the bad checkpoint %j with a clear error',
    (checkpoint) => {
      const instance = offset({ limit: 100 }).create();
      expect(() => instance.resume?.(checkpoint)).toThrow(PaginationError);
      expect(() => instance.resume?.(checkpoint)).toThrow(/expected \{ "offset": <non-negative integer> \}/);
    },
  );
});

describe('create', () => {
  it('should return instances that share no state', () => {
    const paginator = offset({ limit: 10 });
    const resumed = paginator.create();
    resumed.resume?.({ offset: 90 });
    const fresh = paginator.create();
    expect(new URL(fresh.first(getRequest).url).searchParams.get('offset')).toBe('0');
    // A total seen by one instance does not leak into another.
    const withTotal = paginator.create();
    withTotal.next(pageOf(withTotal.first(getRequest), { items: Array(10).fill({}), total: 10 }));
    const other = paginator.create();
    const step: PaginatorStep = other.next(pageOf(other.first(getRequest), { items: Array(10).fill({}) }));
    expect(step.done).toBe(false);
  });
});

describe('offset options', () => {
  it('should list every bad option with its path', () => {
    let error: unknown;
    try {
      offset({
        limit: 0,
        offset: -5,
        offsetParam: '',
        totalPath: 'meta[',
        maximumOffset: 1.5,
        stopAfterEmptyPage: 'yes' as unknown as boolean,
      });
    } catch (caught) {
      error = caught;
    }
    expect(ConfigError.isInstance(error)).toBe(true);
    expect((error as ConfigError).issues.map((issue) => issue.path)).toEqual([
      'limit',
      'offset',
      'offsetParam',
      'totalPath',
      'maximumOffset',
      'stopAfterEmptyPage',
    ]);
    expect((error as ConfigError).message).toContain('limit: expected a positive integer, got 0');
  });

  it('should require limit', () => {
    expect(() => offset({} as { limit: number })).toThrow(/limit: expected a positive integer, got nothing/);
  });

  it('should reject a maximumOffset that leaves no request to make', () => {
    expect(() => offset({ limit: 10, offset: 100, maximumOffset: 100 })).toThrow(
      /maximumOffset: must be greater than offset \(100\)/,
    );
  });

  it('should reject the same name for offset and limit parameters', () => {
    expect(() => offset({ limit: 10, offsetParam: 'n', limitParam: 'n' })).toThrow(
      /limitParam: must differ from offsetParam/,
    );
  });

  it('should accept dlt JSONPath totals such as $.meta.total', () => {
    const result = run(
      offset({ limit: 10, totalPath: '$.meta.total' }),
      fakeApi(20, (items) => ({ items, meta: { total: 20 } })),
    );
    expect(result.reason).toBe('total reached (20)');
  });
});

describe('expectation', () => {
  const fullPage = (start: number, total?: number) => ({
    items: Array.from({ length: 10 }, (_, id) => ({ id: start + id })),
    ...(total === undefined ? {} : { total }),
  });

  it('should ask for at least one record on a page before the known total', () => {
    const instance = offset({ limit: 10 }).create();
    const first = instance.first(getRequest);
    expect(instance.expectation?.(pageOf(first, fullPage(0, 100)))).toMatchObject({
      position: 'offset 0',
      total: '100 records',
      minimumRecords: 1,
      last: false,
      pageSize: 10,
    });
    const step = instance.next(pageOf(first, fullPage(0, 100)));
    const empty = pageOf((step as { request: RequestSpec }).request, { items: [], total: 100 }, 1);
    expect(instance.expectation?.(empty)).toMatchObject({
      position: 'offset 10',
      minimumRecords: 1,
      last: false,
    });
    // Asking does not move the paginator.
    expect(instance.checkpoint?.()).toEqual({ offset: 10 });
  });

  it('should mark the page that reaches the total as the last', () => {
    const instance = offset({ limit: 10, offset: 20 }).create();
    const page = pageOf(instance.first(getRequest), { items: Array(5).fill({}), total: 25 });
    expect(instance.expectation?.(page)).toMatchObject({ minimumRecords: 1, last: true });
  });

  it('should expect nothing without a total, past the total, with hasMore false or with stopAfterEmptyPage false', () => {
    const unknown = offset({ limit: 10, totalPath: null }).create();
    expect(unknown.expectation?.(pageOf(unknown.first(getRequest), { items: [] }))).toBeUndefined();

    const past = offset({ limit: 10, offset: 30 }).create();
    expect(past.expectation?.(pageOf(past.first(getRequest), { items: [], total: 30 }))).toMatchObject({
      minimumRecords: 0,
    });

    const flagged = offset({ limit: 10, hasMorePath: 'more' }).create();
    const flaggedPage = pageOf(flagged.first(getRequest), { items: [], total: 30, more: false });
    expect(flagged.expectation?.(flaggedPage)).toBeUndefined();

    const sparse = offset({ limit: 10, stopAfterEmptyPage: false }).create();
    expect(sparse.expectation?.(pageOf(sparse.first(getRequest), { items: [], total: 30 }))).toMatchObject({
      minimumRecords: 0,
    });
  });

  it('should name the option to change when the total is only an estimate', () => {
    const instance = offset({ limit: 10 }).create();
    const page = pageOf(instance.first(getRequest), { items: [], total: 30 });
    expect(instance.expectation?.(page)?.hint).toContain('set totalPath to null');
  });
});

describe('upcoming', () => {
  it('should list the next requests up to the known total, starting with the one next() returned', () => {
    const instance = offset({ limit: 10 }).create();
    const first = instance.first(getRequest);
    const step = instance.next(
      pageOf(first, { items: Array.from({ length: 10 }, (_, id) => ({ id })), total: 35 }),
    );
    expect(step.done ? undefined : new URL(step.request.url).searchParams.get('offset')).toBe('10');
    expect(offsets(instance.upcoming?.(2) ?? [])).toEqual([10, 20]);
    expect(offsets(instance.upcoming?.(10) ?? [])).toEqual([10, 20, 30]);
  });

  it('should plan with the page size the API caps at after a short page', () => {
    const instance = offset({ limit: 10 }).create();
    instance.next(pageOf(instance.first(getRequest), { items: Array(6).fill({}), total: 40 }));
    expect(offsets(instance.upcoming?.(4) ?? [])).toEqual([6, 12, 18, 24]);
  });

  it('should stop before maximumOffset and know nothing ahead without a total', () => {
    const bounded = offset({ limit: 10, maximumOffset: 25 }).create();
    bounded.next(
      pageOf(bounded.first(getRequest), {
        items: Array.from({ length: 10 }, (_, id) => ({ id })),
        total: 100,
      }),
    );
    expect(offsets(bounded.upcoming?.(10) ?? [])).toEqual([10, 20]);

    const unknown = offset({ limit: 10 }).create();
    unknown.next(
      pageOf(unknown.first(getRequest), { items: Array.from({ length: 10 }, (_, id) => ({ id })) }),
    );
    expect(unknown.upcoming?.(10)).toEqual([]);
  });
});

describe('offset expected total', () => {
  const items = (count: number) => Array.from({ length: count }, (_, id) => ({ id }));

  it('should expect the records up to the total, counted from where the sequence started', () => {
    const instance = offset({ limit: 100, totalPath: 'total' }).create();
    expect(instance.expectedTotal?.()).toBeUndefined();
    instance.next(pageOf(instance.first(getRequest), { items: items(100), total: 250 }));
    expect(instance.expectedTotal?.()).toEqual({ records: 250 });

    const resumed = offset({ limit: 100, totalPath: 'total' }).create();
    resumed.resume?.({ offset: 100 });
    resumed.next(pageOf(resumed.first(getRequest), { items: items(100), total: 250 }));
    expect(resumed.expectedTotal?.()).toEqual({ records: 150 });
  });

  it('should expect the records up to maximumOffset without a total, and nothing without either', () => {
    const bounded = offset({ limit: 100, totalPath: null, maximumOffset: 300 }).create();
    bounded.next(pageOf(bounded.first(getRequest), { items: items(100) }));
    expect(bounded.expectedTotal?.()).toEqual({ records: 300 });

    const open = offset({ limit: 100, totalPath: null }).create();
    open.next(pageOf(open.first(getRequest), { items: items(100) }));
    expect(open.expectedTotal?.()).toBeUndefined();
  });
});
