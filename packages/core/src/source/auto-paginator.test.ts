import { describe, expect, it } from 'vitest';
import { nextRequest, paginationDone } from '../contracts/paginator';
import type { PaginatorDetector } from '../contracts/paginator-detection';
import type { Page, RequestSpec } from '../contracts/request';
import { autoPaginator } from './auto-paginator';

const request: RequestSpec = { method: 'GET', url: 'https://api.example.test/items', headers: {} };

function pageOf(body: unknown, index = 0): Page {
  return {
    resource: 'items',
    index,
    request,
    response: { status: 200, headers: new Headers(), body },
    records: [],
  };
}

/** A detector that recognises `{ [key]: <url> }` and follows it; `calls` counts its runs. */
function detectorFor(key: string, order: number) {
  const detector = {
    calls: 0,
    order,
    detect(page: Page) {
      detector.calls += 1;
      const url = (page.response.body as Record<string, unknown>)[key];
      if (typeof url !== 'string') return undefined;
      return {
        paginator: {
          kind: 'paginator' as const,
          specificationVersion: 'v1' as const,
          type: `by_${key}`,
          create: () => ({
            first: (first: RequestSpec) => first,
            next: (next: Page) => {
              const link = (next.response.body as Record<string, unknown>)[key];
              return typeof link === 'string'
                ? nextRequest({ ...request, url: link })
                : paginationDone('no link');
            },
          }),
        },
        config: { type: `by_${key}` },
        reason: `found ${key}`,
      };
    },
  };
  return detector satisfies PaginatorDetector;
}

describe('autoPaginator', () => {
  it('should send the first request unchanged and continue with the first detector that matches, in order', () => {
    const late = detectorFor('next', 20);
    const early = detectorFor('link', 10);
    const instance = autoPaginator(
      new Map([
        ['late', late],
        ['early', early],
      ]),
    ).create();
    expect(instance.first(request)).toBe(request);
    const step = instance.next(
      pageOf({ next: 'https://api.example.test/n', link: 'https://api.example.test/l' }),
    );
    expect(step).toEqual({ done: false, request: { ...request, url: 'https://api.example.test/l' } });
    expect(instance.detection?.()).toEqual({
      paginator: 'by_link',
      config: { type: 'by_link' },
      reason: 'found link',
    });
    expect(instance.detection?.()).toBeUndefined();
    expect(late.calls).toBe(0);
    // Later pages go to the chosen paginator; detection never runs again.
    expect(instance.next(pageOf({ next: 'https://api.example.test/n' }, 1))).toEqual(
      paginationDone('no link'),
    );
    expect(early.calls).toBe(1);
  });

  it('should fall back to a single page and say why', () => {
    const instance = autoPaginator(new Map([['by_next', detectorFor('next', 20)]])).create();
    instance.first(request);
    expect(instance.next(pageOf([{ id: 1 }]))).toEqual(paginationDone('single page (detected)'));
    expect(instance.detection?.()).toMatchObject({
      paginator: 'single_page',
      config: { type: 'single_page' },
      reason:
        'no pagination style found in the first response (tried by_next); set a paginator if the API pages',
    });
  });

  it('should detect again for every new sequence', () => {
    const paginator = autoPaginator(new Map([['by_next', detectorFor('next', 20)]]));
    const first = paginator.create();
    first.first(request);
    first.next(pageOf({ next: 'https://api.example.test/n' }));
    const second = paginator.create();
    second.first(request);
    expect(second.next(pageOf({}))).toEqual(paginationDone('single page (detected)'));
  });

  it('should pass on the expected total of the paginator it chose', () => {
    const detector = {
      order: 10,
      detect: () => ({
        paginator: {
          kind: 'paginator' as const,
          specificationVersion: 'v1' as const,
          type: 'counted',
          create: () => ({
            first: (first: RequestSpec) => first,
            next: () => nextRequest({ ...request, url: 'https://api.example.test/items?page=2' }),
            expectedTotal: () => ({ pages: 7 }),
          }),
        },
        config: { type: 'counted' },
        reason: 'found a page count',
      }),
    } satisfies PaginatorDetector;
    const instance = autoPaginator(new Map([['counted', detector]])).create();
    instance.first(request);
    expect(instance.expectedTotal?.()).toBeUndefined();
    instance.next(pageOf({}));
    expect(instance.expectedTotal?.()).toEqual({ pages: 7 });
  });
});
