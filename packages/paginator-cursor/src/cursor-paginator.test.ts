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
import { cursor, cursorAdapter } from './cursor-paginator';

type TestRecord = Record<string, unknown>;

const pageSize = 10;
const selectData = (body: unknown) => ((body as { data: TestRecord[] | null }).data ?? []) as TestRecord[];

/** The index of the first record after `cursor` (`c<index>` cursors). */
const startOf = (value: string | null) => (value === null ? 0 : Number(value.slice(1)));

testPaginatorConformance({
  name: 'cursor in the query',
  create: () => cursor(),
  respond: (request, records) => {
    const start = startOf(new URL(request.url).searchParams.get('cursor'));
    const end = start + pageSize;
    return {
      body: { data: records.slice(start, end), cursors: { next: end < records.length ? `c${end}` : null } },
    };
  },
  selectRecords: selectData,
  pageSize,
  supportsCheckpoint: true,
});

testPaginatorConformance({
  name: 'cursor from the last record (Stripe starting_after)',
  create: () => cursor({ cursorPath: 'data[-1].id', cursorParam: 'starting_after', hasMorePath: 'has_more' }),
  respond: (request, records) => {
    const after = new URL(request.url).searchParams.get('starting_after');
    const start = after === null ? 0 : records.findIndex((record) => String(record.id) === after) + 1;
    const data = records.slice(start, start + pageSize);
    return { body: { data, has_more: start + pageSize < records.length } };
  },
  selectRecords: selectData,
  pageSize,
  supportsCheckpoint: true,
});

testPaginatorConformance({
  name: 'cursor in a POST body',
  create: () => cursor({ cursorPath: 'next_page', cursorBodyPath: 'paging.cursor' }),
  request: {
    method: 'POST',
    url: 'https://api.example.test/search',
    headers: { accept: 'application/json' },
    json: { query: { status: 'open' } },
  },
  respond: (request, records) => {
    const value = (request.json as { paging?: { cursor?: string } }).paging?.cursor ?? null;
    const start = startOf(value);
    const end = start + pageSize;
    return { body: { data: records.slice(start, end), next_page: end < records.length ? `c${end}` : '' } };
  },
  selectRecords: selectData,
  pageSize,
  supportsCheckpoint: true,
});

const getRequest: RequestSpec = {
  method: 'GET',
  url: 'https://api.example.test/items?status=open',
  headers: {},
};
const full = Array.from({ length: pageSize }, (_, index) => ({ id: index + 1 }));

function run(
  paginator: Paginator,
  answer: (request: RequestSpec, index: number) => Record<string, unknown>,
  limit = 20,
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
      records: selectData(body),
    };
    const step: PaginatorStep = instance.next(page);
    if (step.done) return { requests, reason: step.reason };
    request = step.request;
  }
  throw new Error(`did not stop after ${limit} pages`);
}

const cursorOf = (request: RequestSpec, name = 'cursor') => new URL(request.url).searchParams.get(name);

describe('cursor', () => {
  it('should send no cursor first, then each next cursor, and stop on null (dlt docs example)', () => {
    const paginator = cursorAdapter.fromConfig({
      type: 'cursor',
      cursor_path: 'cursors.next',
      cursor_param: 'cursor',
    });
    const { requests, reason } = run(paginator, (_request, index) => ({
      data: full,
      cursors: { next: index < 2 ? `c${index + 1}` : null },
    }));
    expect(requests.map((request) => cursorOf(request))).toEqual([null, 'c1', 'c2']);
    expect(reason).toBe('cursor at "cursors.next" is null');
    expect(cursorOf(requests[2]!, 'status')).toBe('open');
  });

  it.each([
    ['an empty string', ''],
    ['zero', 0],
    ['false', false],
  ])('should stop on a falsy cursor: %s', (_name, value) => {
    const { requests } = run(cursor({ cursorPath: 'next' }), (_request, index) => ({
      data: full,
      next: index === 0 ? 'c1' : value,
    }));
    expect(requests).toHaveLength(2);
  });

  // Regression: a cursor beyond 2^53 (e.g. Twitter's next_cursor) was rounded, so the wrong page came next.
  it('should send an integer cursor beyond 2^53 with every digit', () => {
    const { requests } = run(cursor({ cursorPath: 'next' }), (_request, index) => ({
      data: full,
      next: index === 0 ? 1234567890123456789n : null,
    }));
    expect(requests.map((request) => cursorOf(request))).toEqual([null, '1234567890123456789']);
  });

  it('should stop on a cursor missing from a later page', () => {
    const { requests, reason } = run(cursor({ cursorPath: 'next' }), (_request, index) =>
      index === 0 ? { data: full, next: 'c1' } : { data: full },
    );
    expect(requests).toHaveLength(2);
    expect(reason).toBe('no cursor at "next"');
  });

  it('should fail when the cursor path finds nothing on the first page, naming the resource and the path', () => {
    const paginator = cursor({ cursorPath: 'meta.next_cursor' });
    const attempt = () => run(paginator, () => ({ data: full, next_cursor: 'c1' }));
    expect(attempt).toThrow(PaginationError);
    expect(attempt).toThrow(
      'cursor paginator: resource "items", page 0: cursor_path "meta.next_cursor" found nothing in the first page, which has 10 records',
    );
    // An empty first page without a cursor is an empty resource, not a mistake.
    expect(run(paginator, () => ({ data: [] })).requests).toHaveLength(1);
  });

  it('should let has_more decide: false stops with a cursor, true goes on after an empty page', () => {
    const stopped = run(cursor({ cursorPath: 'next', hasMorePath: 'has_more' }), () => ({
      data: full,
      next: 'c9',
      has_more: false,
    }));
    expect(stopped.requests).toHaveLength(1);
    expect(stopped.reason).toBe('hasMore is false');

    const goesOn = run(
      cursor({ cursorPath: 'next', hasMorePath: 'has_more', stopAfterEmptyPage: true }),
      (_request, index) => ({
        data: index === 0 ? [] : full,
        next: index < 1 ? 'c1' : null,
        has_more: index < 1 ? 'yes' : 'no',
      }),
    );
    expect(goesOn.requests).toHaveLength(2);
  });

  it('should stop after an empty page only with stop_after_empty_page', () => {
    const answer = (_request: RequestSpec, index: number) => ({
      data: index === 1 ? [] : full,
      next: index < 2 ? `c${index + 1}` : null,
    });
    expect(run(cursor({ cursorPath: 'next' }), answer).requests).toHaveLength(3);
    const stopped = run(cursor({ cursorPath: 'next', stopAfterEmptyPage: true }), answer);
    expect(stopped.requests).toHaveLength(2);
    expect(stopped.reason).toBe('empty page');
  });

  // dlt #4428: there was no way to send a cursor on the first request.
  it('should send initial_cursor on the first request', () => {
    const paginator = cursorAdapter.fromConfig({
      cursor_path: 'next',
      cursor_param: 'after',
      initial_cursor: 'c5',
    });
    const { requests } = run(paginator, (_request, index) => ({
      data: full,
      next: index === 0 ? 'c6' : null,
    }));
    expect(requests.map((request) => cursorOf(request, 'after'))).toEqual(['c5', 'c6']);
  });

  it('should read the cursor with any JSONPath, e.g. the last record id for starting_after', () => {
    const { requests } = run(
      cursor({ cursorPath: 'data[-1].id', cursorParam: 'starting_after', hasMorePath: 'has_more' }),
      (_request, index) => ({
        data: full.map((record) => ({ id: `${index}-${record.id}` })),
        has_more: index < 2,
      }),
    );
    expect(requests.map((request) => cursorOf(request, 'starting_after'))).toEqual([null, '0-10', '1-10']);
  });

  it('should fail on has_more true without a cursor, and on a cursor that is an object', () => {
    expect(() =>
      run(cursor({ cursorPath: 'next', hasMorePath: 'has_more' }), (_request, index) => ({
        data: full,
        next: index === 0 ? 'c1' : null,
        has_more: true,
      })),
    ).toThrow(/says there are more pages, but cursor_path "next" found null/);
    expect(() => run(cursor({ cursorPath: 'next' }), () => ({ data: full, next: { id: 1 } }))).toThrow(
      'the value at cursor_path "next" is an object, not a cursor',
    );
  });

  it('should resume from its checkpoint with the next cursor', () => {
    const instance = cursor({ cursorPath: 'next' }).create();
    const first = instance.first(getRequest);
    instance.next({
      resource: 'items',
      index: 0,
      request: first,
      response: { status: 200, headers: new Headers(), body: { data: full, next: 'c7' } },
      records: full,
    });
    expect(instance.checkpoint?.()).toEqual({ cursor: 'c7' });
    const resumed = cursor({ cursorPath: 'next' }).create();
    resumed.resume?.({ cursor: 'c7' });
    expect(cursorOf(resumed.first(getRequest))).toBe('c7');
    expect(() => cursor().create().resume?.({ offset: 3 })).toThrow(/cannot resume/);
  });
});

describe('cursor options', () => {
  function issuesOf(build: () => unknown): { path: string; message: string }[] {
    try {
      build();
    } catch (error) {
      if (ConfigError.isInstance(error)) return error.issues;
      throw error;
    }
    throw new Error('expected a ConfigError');
  }

  it('should refuse cursor_param with cursor_body_path, as dlt does', () => {
    expect(
      issuesOf(() => cursorAdapter.fromConfig({ cursor_param: 'c', cursor_body_path: 'paging.cursor' })),
    ).toEqual([
      { path: 'cursor_body_path', message: 'set either cursor_param or cursor_body_path, not both' },
    ]);
  });

  it('should refuse a broken cursor path and suggest a misspelt key', () => {
    expect(issuesOf(() => cursorAdapter.fromConfig({ cursor_path: 'data[-1' }))[0]?.message).toContain(
      '"data[-1" is not a valid JSONPath',
    );
    expect(issuesOf(() => cursorAdapter.fromConfig({ cursor_pth: 'next' }))).toContainEqual({
      path: 'cursor_pth',
      message: 'unknown key; did you mean "cursor_path"?',
    });
  });
});
