import { readFileSync } from 'node:fs';
import { pipeline, restApiSource } from '@restsync/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type MemoryDataset, memoryDestination } from '../memory-destination';
import { type MockApi, mockApi } from '../msw/mock-api';
import { fileCodeBlocks, readRepositoryFile } from './__fixtures__/doc-code-blocks';
import { testDestinationConformance } from './index';

// The example of docs/write-a-destination.md, run the way its author would run it.

const store = new Map<string, MemoryDataset>();

testDestinationConformance({
  name: 'memory',
  create: () => memoryDestination({ store }),
  readRows: async (dataset, table) => {
    const data = store.get(dataset);
    if (table === '_restsync_loads') return [...(data?.loads.values() ?? [])].map((load) => ({ ...load }));
    return structuredClone(data?.tables.get(table) ?? []);
  },
  dropDataset: async (dataset) => {
    store.delete(dataset);
  },
});

// A destination that declares no merge: the merge cases skip themselves, the rest still runs.
testDestinationConformance({
  name: 'memory without merge',
  create: () => ({
    ...memoryDestination({ store }),
    capabilities: { transactions: true, merge: false, nesting: 'documents' },
  }),
  readRows: async (dataset, table) => {
    const data = store.get(dataset);
    if (table === '_restsync_loads') return [...(data?.loads.values() ?? [])].map((load) => ({ ...load }));
    return structuredClone(data?.tables.get(table) ?? []);
  },
});

describe('memory', () => {
  let api: MockApi;
  beforeAll(() => {
    api = mockApi(
      {
        'GET /v1/orders': (request) =>
          new URL(request.url).searchParams.get('status') === 'changed'
            ? { data: [{ id: 2, total: 25, lines: [{ sku: 'B2' }] }] }
            : {
                data: [
                  { id: 1, total: 10, lines: [{ sku: 'A' }] },
                  { id: 2, total: 20, lines: [{ sku: 'B' }, { sku: 'C' }] },
                ],
              },
      },
      { baseUrl: 'https://api.example.test' },
    );
  });
  afterAll(() => api.close());

  it('should take a merge run of the pipeline, keeping records nested and counting inserted and updated records', async () => {
    const own = new Map<string, MemoryDataset>();
    const run = (params: Record<string, string>) =>
      pipeline({ name: 'shop', dataset: 'shop', destination: memoryDestination({ store: own }) }).run(
        restApiSource({
          client: { baseUrl: 'https://api.example.test' },
          resources: [
            {
              name: 'orders',
              primaryKey: 'id',
              writeDisposition: 'merge',
              endpoint: { path: '/v1/orders', params, dataSelector: 'data' },
            },
          ],
        }),
      );
    const first = await run({});
    const result = await run({ status: 'changed' });

    expect(result.status).toBe('succeeded');
    // The run reports what the destination counted: both orders new, then order 2 overwritten.
    expect(first.resources.orders).toMatchObject({ inserted: 2, updated: 0 });
    expect(result.resources.orders).toMatchObject({ inserted: 0, updated: 1 });
    const orders = own.get('shop')?.tables.get('orders') ?? [];
    expect(orders.map(({ id, total, lines }) => ({ id, total, lines }))).toEqual([
      { id: 1, total: 10, lines: [{ sku: 'A' }] },
      { id: 2, total: 25, lines: [{ sku: 'B2' }] },
    ]);
    expect([...(own.get('shop')?.loads.values() ?? [])].map((load) => load.status)).toEqual([
      'succeeded',
      'succeeded',
    ]);
  });
});

describe('docs/write-a-destination.md', () => {
  const blocks = () => fileCodeBlocks(readRepositoryFile('docs/write-a-destination.md'));

  it('should show the whole example destination, verbatim', () => {
    const fixture = readFileSync(new URL('../memory-destination.ts', import.meta.url), 'utf8');
    expect(blocks().get('memory-destination.ts')?.join('\n')).toBe(fixture);
  });

  it('should show test code that this file runs', () => {
    const source = readFileSync(new URL(import.meta.url), 'utf8');
    const shown = blocks().get('memory-destination-example.test.ts') ?? [];
    expect(shown.length).toBeGreaterThan(0);
    for (const block of shown) expect(source).toContain(block);
  });
});
