import type { Page } from '@restsync/core';
import { describe, expect, it } from 'vitest';
import { cursorAdapter } from './cursor-paginator';

function firstPage(body: unknown): Page {
  const request = { method: 'GET', url: 'https://api.example.test/products', headers: {} };
  return {
    resource: 'products',
    index: 0,
    request,
    response: { status: 200, headers: new Headers(), body },
    records: [{}],
  };
}

describe('cursorAdapter.detector', () => {
  const detector = cursorAdapter.detector;

  it('should choose cursor from a next… key holding a cursor, and send it as the cursor parameter', () => {
    const body = { products: [{}], next_cursor: 'eyJpZCI6MTB9' };
    const detection = detector?.detect(firstPage(body));
    expect(detection?.config).toEqual({ type: 'cursor', cursor_path: 'next_cursor', cursor_param: 'cursor' });
    const instance = detection?.paginator.create();
    const page = firstPage(body);
    instance?.first(page.request);
    expect(instance?.next(page)).toEqual({
      done: false,
      request: expect.objectContaining({ url: 'https://api.example.test/products?cursor=eyJpZCI6MTB9' }),
    });
  });

  it('should find a nested cursor such as cursors.next', () => {
    expect(detector?.detect(firstPage({ data: [{}], cursors: { next: 'abc' } }))?.config).toMatchObject({
      cursor_path: 'cursors.next',
    });
  });

  it('should leave a next URL to json_link, and an empty or null next to no detection', () => {
    expect(
      detector?.detect(firstPage({ data: [{}], next: 'https://api.example.test/products?page=2' })),
    ).toBeUndefined();
    expect(detector?.detect(firstPage({ data: [{}], next: '' }))).toBeUndefined();
    expect(detector?.detect(firstPage({ data: [{}], next: null }))).toBeUndefined();
  });
});
