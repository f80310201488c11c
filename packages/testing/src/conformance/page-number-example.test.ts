import { readFileSync } from 'node:fs';
import {
  ConfigError,
  createAdapterRegistry,
  createEventBus,
  type Page,
  type RequestSpec,
  restApiSource,
} from '@restsync/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type MockApi, mockApi } from '../msw/mock-api';
import { fileCodeBlocks, readRepositoryFile } from './__fixtures__/doc-code-blocks';
import { fromConfig, pageNumber, pageNumberAdapter } from './__fixtures__/page-number-paginator';
import { testPaginatorConformance } from './index';

// The example of docs/write-a-paginator.md, run the way its author would run it.

type TestRecord = Record<string, unknown>;

/** A fake page-number API: `?page=<n>` returns the n-th slice of 10 records. */
function pageOf(request: RequestSpec, records: TestRecord[], basePage: number): TestRecord[] {
  const page = Number(new URL(request.url).searchParams.get('page'));
  return records.slice((page - basePage) * 10, (page - basePage + 1) * 10);
}

testPaginatorConformance({
  name: 'page_number with the number of pages',
  create: () => pageNumber({ basePage: 1, totalPath: 'meta.pages' }),
  respond: (request, records) => ({
    body: { items: pageOf(request, records, 1), meta: { pages: Math.ceil(records.length / 10) } },
  }),
  selectRecords: (body) => (body as { items: TestRecord[] }).items,
  pageSize: 10,
  supportsCheckpoint: true,
});

testPaginatorConformance({
  name: 'page_number without a total',
  create: () => fromConfig({ page_param: 'page' }),
  respond: (request, records) => ({ body: { items: pageOf(request, records, 0) } }),
  selectRecords: (body) => (body as { items: TestRecord[] }).items,
  pageSize: 10,
  supportsCheckpoint: true,
});

describe('fromConfig', () => {
  it('should report every problem with the keys the user wrote', () => {
    let error: unknown;
    try {
      fromConfig({ base_pge: 1, page_param: '', maximum_page: 0 });
    } catch (caught) {
      error = caught;
    }
    expect(ConfigError.isInstance(error) && error.issues).toEqual([
      { path: 'base_pge', message: 'unknown key; did you mean "base_page"?' },
      { path: 'page_param', message: 'expected a non-empty parameter name, got ""' },
      { path: 'maximum_page', message: 'expected a positive integer, got 0' },
    ]);
  });
});

describe('pageNumber', () => {
  it('should stop before maximumPage', () => {
    const instance = pageNumber({ maximumPage: 2 }).create();
    const first = instance.first({ method: 'GET', url: 'https://api.example.test/items', headers: {} });
    const page = (index: number, request: RequestSpec): Page => ({
      resource: 'items',
      index,
      request,
      response: { status: 200, headers: new Headers(), body: { items: [{ id: index }] } },
      records: [{ id: index }],
    });
    const second = instance.next(page(0, first));
    if (second.done) throw new Error(`expected a second page, stopped: ${second.reason}`);
    expect(second.request.url).toBe('https://api.example.test/items?page=1');
    expect(instance.next(page(1, second.request))).toEqual({ done: true, reason: 'maximumPage reached' });
  });
});

describe('restApiSource with the example paginator registered', () => {
  let api: MockApi;
  beforeAll(() => {
    api = mockApi(
      {
        'GET /v1/items': (request) => {
          const page = Number(new URL(request.url).searchParams.get('page'));
          return { data: page < 3 ? [{ id: page * 2 + 1 }, { id: page * 2 + 2 }] : [], total: 3 };
        },
      },
      { baseUrl: 'https://api.example.test' },
    );
  });
  afterAll(() => api.close());

  it('should fetch every page of a config that names the registered type', async () => {
    const source = restApiSource(
      {
        client: { base_url: 'https://api.example.test' },
        resources: [
          {
            name: 'items',
            endpoint: {
              path: '/v1/items',
              data_selector: 'data',
              paginator: { type: 'page_number' },
            },
          },
        ],
      },
      {
        registry: createAdapterRegistry({ adapters: [pageNumberAdapter] }),
      },
    );
    const ids: unknown[] = [];
    for await (const page of source.pages({ events: createEventBus() })) {
      ids.push(...page.records.map((record) => record.id));
    }
    expect(ids).toEqual([1, 2, 3, 4, 5, 6]);
    expect(api.calls.map((call) => call.query.page)).toEqual(['0', '1', '2']);
  });
});

describe('docs/write-a-paginator.md', () => {
  const blocks = () => fileCodeBlocks(readRepositoryFile('docs/write-a-paginator.md'));

  it('should show a whole paginator package of at most 30 lines', () => {
    const fixture = readFileSync(new URL('./__fixtures__/page-number-paginator.ts', import.meta.url), 'utf8');
    expect(fixture.trimEnd().split('\n').length).toBeLessThanOrEqual(30);
  });

  it('should show the whole example paginator, verbatim', () => {
    const fixture = readFileSync(new URL('./__fixtures__/page-number-paginator.ts', import.meta.url), 'utf8');
    expect(blocks().get('page-number-paginator.ts')?.join('\n')).toBe(fixture);
  });

  it('should show test code that this file runs', () => {
    const source = readFileSync(new URL(import.meta.url), 'utf8');
    const shown = blocks().get('page-number-example.test.ts') ?? [];
    expect(shown.length).toBeGreaterThan(0);
    for (const block of shown) expect(source).toContain(block);
  });
});
