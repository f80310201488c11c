import { describe, expect, it } from 'vitest';
import type { Page, RequestSpec } from '../contracts/request';
import { type RangePaginatorSettings, rangePaginator } from './range-paginator';

const base: RequestSpec = { method: 'GET', url: 'https://api.example.com/items?sort=id', headers: {} };

function pageOf(request: RequestSpec, index: number, body: unknown, records: number): Page {
  return {
    resource: 'items',
    index,
    request,
    response: { status: 200, headers: new Headers(), body },
    records: Array.from({ length: records }, (_, id) => ({ id })),
  };
}

function walk(settings: Partial<RangePaginatorSettings>, pages: number) {
  const instance = rangePaginator({
    type: 'offset',
    position: 'offset',
    target: { query: 'offset' },
    start: 0,
    step: 10,
    unit: 'records',
    totalPath: 'total',
    ...settings,
  }).create();
  let request = instance.first(base);
  const urls = [request.url];
  const planned: string[][] = [];
  for (let index = 0; index < pages; index++) {
    const step = instance.next(pageOf(request, index, { total: 100 }, 10));
    if (step.done) break;
    planned.push((instance.upcoming?.(3) ?? []).map((next) => next.url));
    request = step.request;
    urls.push(request.url);
  }
  return { urls, planned };
}

describe('rangePaginator', () => {
  // Each page's URL is now built once and reused: the requests must not change.
  it('should send every page with the constants after the position, as planned ahead', () => {
    const { urls, planned } = walk({ constants: [{ target: { query: 'limit' }, value: 10 }] }, 3);

    expect(urls).toEqual([
      'https://api.example.com/items?sort=id&offset=0&limit=10',
      'https://api.example.com/items?sort=id&offset=10&limit=10',
      'https://api.example.com/items?sort=id&offset=20&limit=10',
      'https://api.example.com/items?sort=id&offset=30&limit=10',
    ]);
    expect(planned[1]).toEqual([
      'https://api.example.com/items?sort=id&offset=20&limit=10',
      'https://api.example.com/items?sort=id&offset=30&limit=10',
      'https://api.example.com/items?sort=id&offset=40&limit=10',
    ]);
  });

  it('should let a constant on the position parameter override the position on every page', () => {
    const { urls } = walk({ constants: [{ target: { query: 'offset' }, value: 7 }] }, 1);

    expect(urls).toEqual([
      'https://api.example.com/items?sort=id&offset=7',
      'https://api.example.com/items?sort=id&offset=7',
    ]);
  });
});
