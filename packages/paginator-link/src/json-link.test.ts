import { ConfigError, type Page, PaginationError, type RequestSpec } from '@restsync/core';
import { testPaginatorConformance } from '@restsync/testing/conformance';
import { describe, expect, it, vi } from 'vitest';
import { jsonLink, jsonLinkAdapter, jsonResponseAdapter } from './index';

type TestRecord = Record<string, unknown>;

/** `?offset=<n>` (absent: 0) of a request to the fake API. */
function offsetOf(request: RequestSpec): number {
  return Number(new URL(request.url).searchParams.get('offset') ?? 0);
}

/** The fake API's next URL: the request's URL with the next offset, keeping every other parameter. */
function nextUrl(request: RequestSpec, offset: number, relative = false): string {
  const url = new URL(request.url);
  url.searchParams.set('offset', String(offset));
  return relative ? `${url.pathname}${url.search}` : url.toString();
}

testPaginatorConformance({
  name: 'json_link with an absolute next URL',
  create: () => jsonLink(),
  respond: (request, records) => {
    const offset = offsetOf(request);
    const items = records.slice(offset, offset + 10);
    const more = offset + 10 < records.length;
    return { body: { items, ...(more ? { next: nextUrl(request, offset + 10) } : {}) } };
  },
  selectRecords: (body) => (body as { items: TestRecord[] }).items,
  pageSize: 10,
});

testPaginatorConformance({
  name: 'json_link with a relative next URL at a nested path, null on the last page',
  create: () => jsonLinkAdapter.fromConfig({ next_url_path: '$.paging.next' }),
  respond: (request, records) => {
    const offset = offsetOf(request);
    const more = offset + 10 < records.length;
    return {
      body: {
        items: records.slice(offset, offset + 10),
        paging: { next: more ? nextUrl(request, offset + 10, true) : null },
      },
    };
  },
  selectRecords: (body) => (body as { items: TestRecord[] }).items,
  pageSize: 10,
});

const firstRequest: RequestSpec = {
  method: 'POST',
  url: 'https://api.example.test/v1/items?filter=active',
  headers: { accept: 'application/json' },
  json: { query: 'open' },
};

function pageWith(body: unknown, request: RequestSpec = firstRequest, index = 0): Page {
  return {
    resource: 'items',
    index,
    request,
    response: { status: 200, headers: new Headers(), body },
    records: [],
  };
}

function nextOf(paginator: ReturnType<typeof jsonLink>, body: unknown) {
  const instance = paginator.create();
  return instance.next(pageWith(body, instance.first(firstRequest)));
}

describe('json_link', () => {
  it('should send the first request unchanged and keep method, headers and body on the next, with the next URL as the whole query', () => {
    const instance = jsonLink().create();
    expect(instance.first(firstRequest)).toEqual(firstRequest);
    const step = instance.next(pageWith({ next: 'https://api.example.test/v1/items?cursor=abc' }));
    expect(step).toEqual({
      done: false,
      request: { ...firstRequest, url: 'https://api.example.test/v1/items?cursor=abc' },
    });
  });

  it('should resolve a relative next URL against the URL of the page request', () => {
    const page = pageWith(
      { next: 'items?page=2' },
      { ...firstRequest, url: 'http://example.com:8080/api/v1/items?page=1' },
    );
    const step = jsonLink().create().next(page);
    expect(step.done ? undefined : step.request.url).toBe('http://example.com:8080/api/v1/items?page=2');
    const rooted = jsonLink()
      .create()
      .next(pageWith({ next: '/api/resource?page=2' }));
    expect(rooted.done ? undefined : rooted.request.url).toBe('https://api.example.test/api/resource?page=2');
  });

  it("should read dlt's bracket form for keys with dots and @", () => {
    const step = nextOf(jsonLink({ nextUrlPath: "['@odata.nextLink']" }), {
      value: [],
      '@odata.nextLink': 'https://graph.example.test/v1.0/users?$skiptoken=X',
    });
    expect(step.done ? undefined : step.request.url).toBe(
      'https://graph.example.test/v1.0/users?$skiptoken=X',
    );
  });

  // Stop conditions: a missing next link, null, and an empty string (dlt requests an invalid URL there).
  it.each([
    [{ items: [] }, 'no next link at "next"'],
    [{ next: null }, 'next link at "next" is null'],
    [{ next: '' }, 'empty next link'],
    [{ next: '   ' }, 'empty next link'],
  ])('should stop on %j', (body, reason) => {
    expect(nextOf(jsonLink(), body)).toEqual({ done: true, reason });
  });

  it('should fail clearly when the value at next_url_path is not a URL string', () => {
    const paginator = jsonLinkAdapter.fromConfig({ next_url_path: 'links.next' });
    expect(() => nextOf(paginator, { links: { next: { href: '/x' } } })).toThrow(PaginationError);
    expect(() => nextOf(paginator, { links: { next: 2 } })).toThrow(
      /json_link paginator: resource "items", page 0: the value at next_url_path "links.next" is the number 2, not a URL/,
    );
  });

  it('should refuse a next link that is not http(s)', () => {
    expect(() => nextOf(jsonLink(), { next: 'javascript:alert(1)' })).toThrow(/not an http\(s\) URL/);
  });

  it('should accept dlt snake_case and camelCase option names, and reject unknown ones with a suggestion', () => {
    expect(jsonLinkAdapter.fromConfig({ type: 'json_link', next_url_path: 'n' }).type).toBe('json_link');
    expect(() => jsonLinkAdapter.fromConfig({ next_url_pth: 'n' })).toThrow(ConfigError);
    expect(() => jsonLinkAdapter.fromConfig({ next_url_pth: 'n' })).toThrow(/did you mean "next_url_path"/);
    expect(() => jsonLinkAdapter.fromConfig({ next_url_path: 3 })).toThrow(/next_url_path/);
  });
});

describe('json_response', () => {
  it('should build json_link with one deprecation warning', () => {
    const warning = vi.spyOn(process, 'emitWarning').mockImplementation(() => undefined);
    try {
      const first = jsonResponseAdapter.fromConfig({ type: 'json_response', next_url_path: 'next' });
      jsonResponseAdapter.fromConfig({});
      expect(first.type).toBe('json_link');
      expect(warning).toHaveBeenCalledTimes(1);
      expect(String(warning.mock.calls[0]?.[0])).toMatch(/"json_response" is deprecated .*write "json_link"/);
    } finally {
      warning.mockRestore();
    }
  });
});
