import type { Page } from '@restsync/core';
import { describe, expect, it } from 'vitest';
import { pageNumberAdapter } from './page-number-paginator';

function firstPage(body: unknown): Page {
  const request = { method: 'GET', url: 'https://api.example.test/items', headers: {} };
  return {
    resource: 'items',
    index: 0,
    request,
    response: { status: 200, headers: new Headers(), body },
    records: [{}],
  };
}

describe('pageNumberAdapter.detector', () => {
  const detector = pageNumberAdapter.detector;

  it('should choose page_number from a page count and the page the API says it served, then ask for the next page', () => {
    const detection = detector?.detect(firstPage({ data: [{}], pagination: { page: 1, totalPages: 3 } }));
    expect(detection?.config).toEqual({
      type: 'page_number',
      base_page: 1,
      total_path: 'pagination.totalPages',
      page_param: 'page',
    });
    const instance = detection?.paginator.create();
    const page = firstPage({ data: [{}], pagination: { page: 1, totalPages: 3 } });
    expect(instance?.first(page.request).url).toBe('https://api.example.test/items?page=1');
    const step = instance?.next({ ...page, request: instance.first(page.request) });
    expect(step).toEqual({
      done: false,
      request: expect.objectContaining({ url: 'https://api.example.test/items?page=2' }),
    });
  });

  // dlt guesses base_page 0 here and fetches page 1 twice; restsync does not guess.
  it('should not detect page numbers when the response does not say which page it is', () => {
    expect(detector?.detect(firstPage({ data: [{}], total_pages: 5 }))).toBeUndefined();
  });

  it('should not detect page numbers from a record count', () => {
    expect(detector?.detect(firstPage({ data: [{}], page: 1, total: 50 }))).toBeUndefined();
  });
});
