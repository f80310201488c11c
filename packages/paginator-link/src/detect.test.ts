import type { Page } from '@restsync/core';
import { readJsonPath } from '@restsync/core/adapter-utils';
import { describe, expect, it } from 'vitest';
import { headerLinkAdapter, jsonLinkAdapter } from './index';

function firstPage(body: unknown, headers: Record<string, string> = {}): Page {
  return {
    resource: 'items',
    index: 0,
    request: { method: 'GET', url: 'https://api.example.test/items', headers: {} },
    response: { status: 200, headers: new Headers(headers), body },
    records: [],
  };
}

describe('jsonLinkAdapter.detector', () => {
  // dlt's detector table, plus @odata.nextLink, which dlt misses (#2505).
  it.each([
    [{ count: 2, next: 'https://api.example.test/items?page=2', previous: null, results: [] }, 'next'],
    [{ _embedded: { items: [] }, _links: { next: { href: '/items?page=2' } } }, '_links.next.href'],
    [{ items: [], links: { nextPage: '/items?page=2' } }, 'links.nextPage'],
    [
      { value: [], '@odata.nextLink': 'https://graph.example.test/v1.0/users?$skiptoken=a' },
      "['@odata.nextLink']",
    ],
    [
      { data: [], meta: { paging: { next_page_url: 'https://api.example.test/items?page=2' } } },
      'meta.paging.next_page_url',
    ],
  ])('should find the next URL in %j at %s, a path the paginator reads', (body, path) => {
    const detection = jsonLinkAdapter.detector?.detect(firstPage(body));
    expect(detection?.config).toEqual({ type: 'json_link', next_url_path: path });
    expect(detection?.reason).toBe(`the response body has a next URL at ${path}`);
    expect(readJsonPath(body, path)).toEqual(expect.any(String));
  });

  it.each([
    [{ data: [], next_cursor: 'eyJpZCI6MTB9' }],
    [{ data: [], next: null }],
    [{ data: [{ next: 'https://api.example.test/not-a-page-link' }] }],
    [[{ id: 1 }]],
    [{ feed: [], offset: 0, limit: 10, total_count: 30 }],
  ])('should not take %j for a next link', (body) => {
    expect(jsonLinkAdapter.detector?.detect(firstPage(body))).toBeUndefined();
  });

  it('should continue from the first page without fetching it again', () => {
    const detection = jsonLinkAdapter.detector?.detect(firstPage({ data: [], next: '/items?page=2' }));
    const instance = detection?.paginator.create();
    const page = firstPage({ data: [], next: '/items?page=2' });
    expect(instance?.first(page.request)).toEqual(page.request);
    const step = instance?.next(page);
    expect(step?.done ? undefined : step?.request.url).toBe('https://api.example.test/items?page=2');
  });
});

describe('headerLinkAdapter.detector', () => {
  it('should choose header_link for a Link header with rel="next", and nothing without one', () => {
    const detection = headerLinkAdapter.detector?.detect(
      firstPage([], { link: '<https://api.example.test/items?page=2>; rel="next"' }),
    );
    expect(detection?.config).toEqual({ type: 'header_link' });
    expect(detection?.reason).toBe('the response has a Link header with rel="next"');
    expect(
      headerLinkAdapter.detector?.detect(firstPage([], { link: '<https://a.test/x>; rel="prev"' })),
    ).toBeUndefined();
    expect(headerLinkAdapter.detector?.detect(firstPage([], { link: 'not a link' }))).toBeUndefined();
  });

  it('should run before the JSON next link, as in dlt', () => {
    expect(headerLinkAdapter.detector?.order).toBeLessThan(jsonLinkAdapter.detector?.order ?? 0);
  });
});
