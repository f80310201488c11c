import type { Page, RequestSpec } from '@restsync/core';
import { testPaginatorConformance } from '@restsync/testing/conformance';
import { describe, expect, it } from 'vitest';
import { headerCursor, headerCursorAdapter } from './header-cursor-paginator';

type TestRecord = Record<string, unknown>;

const pageSize = 10;

testPaginatorConformance({
  name: 'header_cursor',
  create: () => headerCursor(),
  respond: (request, records) => {
    const start = Number(new URL(request.url).searchParams.get('cursor') ?? 0);
    const end = start + pageSize;
    const headers: Record<string, string> = end < records.length ? { next: String(end) } : {};
    return { headers, body: records.slice(start, end) };
  },
  selectRecords: (body) => body as TestRecord[],
  pageSize,
  supportsCheckpoint: true,
});

const getRequest: RequestSpec = { method: 'GET', url: 'https://api.example.test/items', headers: {} };

function page(request: RequestSpec, headers: Record<string, string>): Page {
  return {
    resource: 'items',
    index: 0,
    request,
    response: { status: 200, headers: new Headers(headers), body: [{ id: 1 }] },
    records: [{ id: 1 }],
  };
}

describe('headerCursor', () => {
  it('should put the cursor header into cursor_param, and stop when the header is absent (dlt test case)', () => {
    const instance = headerCursorAdapter
      .fromConfig({ type: 'header_cursor', cursor_key: 'cursor', cursor_param: 'page' })
      .create();
    const first = instance.first(getRequest);
    expect(new URL(first.url).searchParams.has('page')).toBe(false);
    const step = instance.next(page(first, { Cursor: '2' }));
    expect(step.done).toBe(false);
    const second = step.done ? first : step.request;
    expect(new URL(second.url).searchParams.get('page')).toBe('2');
    expect(instance.next(page(second, {}))).toEqual({ done: true, reason: 'no "cursor" header' });
  });

  it('should stop on an empty header and send initial_cursor first', () => {
    const instance = headerCursor({ initialCursor: 'abc' }).create();
    const first = instance.first(getRequest);
    expect(new URL(first.url).searchParams.get('cursor')).toBe('abc');
    expect(instance.next(page(first, { next: '  ' }))).toEqual({ done: true, reason: 'empty "next" header' });
  });
});
