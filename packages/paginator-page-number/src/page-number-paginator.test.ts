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
import { pageNumber, pageNumberAdapter } from './page-number-paginator';

type TestRecord = Record<string, unknown>;

const getRequest: RequestSpec = {
  method: 'GET',
  url: 'https://api.example.test/items?status=open',
  headers: { accept: 'application/json' },
};

const pageSize = 10;
const selectItems = (body: unknown) => (body as { items: TestRecord[] }).items;

/** Page `number` (counted from `basePage`) of `records`. */
function slice(records: TestRecord[], number: number, basePage: number): TestRecord[] {
  const start = (number - basePage) * pageSize;
  return records.slice(start, start + pageSize);
}

testPaginatorConformance({
  name: 'page_number with a total, 1-based',
  create: () => pageNumber({ basePage: 1, totalPath: 'meta.pages' }),
  respond: (request, records) => {
    const number = Number(new URL(request.url).searchParams.get('page'));
    return {
      body: { items: slice(records, number, 1), meta: { pages: Math.ceil(records.length / pageSize) } },
    };
  },
  selectRecords: selectItems,
  pageSize,
  supportsCheckpoint: true,
});

testPaginatorConformance({
  name: 'page_number without a total',
  create: () => pageNumber({ totalPath: null }),
  respond: (request, records) => {
    const number = Number(new URL(request.url).searchParams.get('page'));
    return { body: { items: slice(records, number, 0) } };
  },
  selectRecords: selectItems,
  pageSize,
  supportsCheckpoint: true,
});

testPaginatorConformance({
  name: 'page_number in a POST body with has_more',
  create: () => pageNumber({ pageBodyPath: 'paging.page', totalPath: null, hasMorePath: 'paging.has_more' }),
  request: {
    method: 'POST',
    url: 'https://api.example.test/search',
    headers: { accept: 'application/json' },
    json: { query: { status: 'open' } },
  },
  respond: (request, records) => {
    const number = (request.json as { paging: { page: number } }).paging.page;
    const items = slice(records, number, 0);
    return { body: { items, paging: { has_more: (number + 1) * pageSize < records.length } } };
  },
  selectRecords: selectItems,
  pageSize,
  supportsCheckpoint: true,
});

/** Drives a paginator over a fake API until it stops; returns the requests it made and why it stopped. */
function run(
  paginator: Paginator,
  answer: (request: RequestSpec, index: number) => Record<string, unknown>,
  limit = 50,
): { requests: RequestSpec[]; reason: string } {
  const instance = paginator.create();
  const requests: RequestSpec[] = [];
  let request = instance.first(getRequest);
  for (let index = 0; index < limit; index++) {
    requests.push(request);
    const body = answer(request, index);
    const page: Page = {
      resource: 'items',
      index,
      request,
      response: { status: 200, headers: new Headers(), body },
      records: selectItems(body),
    };
    const step: PaginatorStep = instance.next(page);
    if (step.done) return { requests, reason: step.reason };
    request = step.request;
  }
  throw new Error(`did not stop after ${limit} pages`);
}

const pageOf = (request: RequestSpec) => new URL(request.url).searchParams.get('page');
const full = Array.from({ length: pageSize }, (_, index) => ({ id: index }));

describe('pageNumber', () => {
  it('should request page=1..5 for a 1-based API with total pages (dlt docs example)', () => {
    const paginator = pageNumberAdapter.fromConfig({
      type: 'page_number',
      base_page: 1,
      total_path: 'total_pages',
    });
    const { requests, reason } = run(paginator, () => ({ items: full, total_pages: 5 }));
    expect(requests.map(pageOf)).toEqual(['1', '2', '3', '4', '5']);
    expect(reason).toBe('total reached (5)');
    // The resource's own query parameters stay on every request.
    expect(new URL(requests[4]!.url).searchParams.get('status')).toBe('open');
  });

  it('should start at page and count the total from base_page', () => {
    const { requests } = run(pageNumber({ basePage: 1, page: 3, totalPath: 'total' }), () => ({
      items: full,
      total: 4,
    }));
    expect(requests.map(pageOf)).toEqual(['3', '4']);
  });

  it('should treat maximum_page as exclusive, as dlt does', () => {
    const paginator = pageNumberAdapter.fromConfig({ base_page: 1, maximum_page: 3, total_path: null });
    const { requests, reason } = run(paginator, () => ({ items: full }));
    expect(requests.map(pageOf)).toEqual(['1', '2']);
    expect(reason).toBe('maximumPage reached');
  });

  it('should stop on has_more false, even before the total', () => {
    const { requests, reason } = run(pageNumber({ hasMorePath: 'has_more' }), (_request, index) => ({
      items: full,
      total: 10,
      has_more: index < 1 ? 'true' : false,
    }));
    expect(requests).toHaveLength(2);
    expect(reason).toBe('hasMore is false');
  });

  it('should stop after an empty page, and go past one with stop_after_empty_page false', () => {
    const empty = run(pageNumber({ totalPath: null }), (_request, index) => ({
      items: index < 2 ? full : [],
    }));
    expect(empty.requests.map(pageOf)).toEqual(['0', '1', '2']);
    expect(empty.reason).toBe('empty page');

    const past = run(
      pageNumber({ totalPath: null, stopAfterEmptyPage: false, maximumPage: 4 }),
      (_request, index) => ({
        items: index === 1 ? [] : full,
      }),
    );
    expect(past.requests.map(pageOf)).toEqual(['0', '1', '2', '3']);
  });

  // dlt #4429: a missing or null total raised even when an empty page would have stopped correctly.
  it('should not fail on a missing or null total when another stop condition applies', () => {
    const { requests, reason } = run(pageNumber(), (_request, index) => ({
      items: index < 2 ? full : [],
      total: index === 0 ? null : undefined,
    }));
    expect(requests).toHaveLength(3);
    expect(reason).toBe('empty page');
  });

  it('should read the total with any JSONPath dlt reads', () => {
    const { requests } = run(pageNumber({ totalPath: "['@odata.pages']" }), () => ({
      items: full,
      '@odata.pages': 2,
    }));
    expect(requests).toHaveLength(2);
  });

  it('should fail on a total that is not a number, naming the path', () => {
    expect(() => run(pageNumber(), () => ({ items: full, total: 'many' }))).toThrow(PaginationError);
    expect(() => run(pageNumber(), () => ({ items: full, total: 'many' }))).toThrow(
      'page_number paginator: resource "items", page 0: the total at "total" is the string "many"',
    );
  });

  it('should resume from its checkpoint at the page after the last one seen', () => {
    const instance = pageNumber({ basePage: 1, totalPath: 'total' }).create();
    const first = instance.first(getRequest);
    instance.next({
      resource: 'items',
      index: 0,
      request: first,
      response: { status: 200, headers: new Headers(), body: { items: full, total: 5 } },
      records: full,
    });
    expect(instance.checkpoint?.()).toEqual({ page: 2 });

    const resumed = pageNumber({ basePage: 1 }).create();
    resumed.resume?.({ page: 2 });
    expect(pageOf(resumed.first(getRequest))).toBe('2');
    expect(() => pageNumber({ basePage: 1 }).create().resume?.({ page: 0 })).toThrow(/cannot resume/);
  });
});

describe('pageNumber options', () => {
  function issuesOf(build: () => unknown): { path: string; message: string }[] {
    try {
      build();
    } catch (error) {
      if (ConfigError.isInstance(error)) return error.issues;
      throw error;
    }
    throw new Error('expected a ConfigError');
  }

  it("should refuse a config that nothing would stop, with dlt's rule", () => {
    expect(
      issuesOf(() => pageNumberAdapter.fromConfig({ total_path: null, stop_after_empty_page: false })),
    ).toEqual([
      {
        path: 'stop_after_empty_page',
        message:
          'nothing would stop the pagination: set one of total_path, maximum_page, has_more_path, or stop_after_empty_page: true',
      },
    ]);
  });

  it('should refuse page_param with page_body_path, a first page below base_page, and an unreachable maximum', () => {
    expect(
      issuesOf(() =>
        pageNumberAdapter.fromConfig({
          page_param: 'p',
          page_body_path: 'paging.page',
          base_page: 2,
          page: 1,
        }),
      ).map((issue) => issue.path),
    ).toEqual(['page_body_path', 'page']);
    expect(issuesOf(() => pageNumber({ basePage: 1, maximumPage: 1 })).map((issue) => issue.path)).toEqual([
      'maximumPage',
    ]);
  });

  it('should reject an unknown key with a suggestion and a broken JSONPath with the reason', () => {
    expect(issuesOf(() => pageNumberAdapter.fromConfig({ base_pgae: 1 }))).toContainEqual({
      path: 'base_pgae',
      message: 'unknown key; did you mean "base_page"?',
    });
    expect(issuesOf(() => pageNumberAdapter.fromConfig({ total_path: 'meta[' }))[0]?.message).toContain(
      '"meta[" is not a valid JSONPath',
    );
  });
});

describe('pageNumber expected total', () => {
  it('should expect the pages left from the first page requested to the total', () => {
    const instance = pageNumber({ basePage: 1, page: 3, totalPath: 'total' }).create();
    const first = instance.first(getRequest);
    instance.next({
      resource: 'items',
      index: 0,
      request: first,
      response: { status: 200, headers: new Headers(), body: { items: full, total: 4 } },
      records: full,
    });
    // Pages 3 and 4 of 4.
    expect(instance.expectedTotal?.()).toEqual({ pages: 2 });
  });
});
